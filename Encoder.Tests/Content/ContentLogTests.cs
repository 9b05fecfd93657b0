using Encoder.Content;
using Encoder.Events;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Encoder.Tests.Content;

/// <summary>What the log says about the content: one WARN at a condition's start, one INFO at its end, each with its event id.</summary>
public sealed class ContentLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void A_condition_s_start_is_one_warning_and_its_end_one_information_line_with_its_duration()
    {
        var logger = new ListLogger<ContentWatch>();
        var log = new ContentLog(logger);

        log.Hear(new ContentMeasured(T0, 16, 0, -90));
        log.Hear(new ContentConditionStarted(T0.AddSeconds(10), ContentCondition.Silent, T0));
        log.Hear(new ContentConditionEnded(T0.AddSeconds(42.5), ContentCondition.Silent, T0, Measured: true));
        log.Hear(new ContentConditionStarted(T0.AddSeconds(50), ContentCondition.Black, T0.AddSeconds(45)));
        log.Hear(new ContentConditionEnded(T0.AddSeconds(60), ContentCondition.Black, T0.AddSeconds(45), Measured: false));

        Assert.That(logger.Said, Is.EqualTo(new[] { (LogLevel.Warning, 500), (LogLevel.Information, 501), (LogLevel.Warning, 500), (LogLevel.Information, 502) }));
        Assert.That(logger.Lines.ElementAt(1).Message, Does.Contain("42.5s"));
    }
}
