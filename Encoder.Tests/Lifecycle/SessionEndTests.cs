using Encoder.Configuration;
using Encoder.Lifecycle;

namespace Encoder.Tests.Lifecycle;

public sealed class SessionEndTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    [TestCase(null, null, null)]
    [TestCase("2026-11-23T19:00:00Z", null, "2026-11-23T19:00:00Z")]
    [TestCase(null, "00:45:00", "2026-11-23T18:45:00Z")]
    [TestCase("2026-11-23T19:00:00Z", "00:45:00", "2026-11-23T18:45:00Z")]
    [TestCase("2026-11-23T18:30:00Z", "00:45:00", "2026-11-23T18:30:00Z")]
    public void Ends_at_the_earlier_of_the_end_time_and_the_maximum_duration(string? endsAt, string? maxDuration, string? expected)
    {
        var session = new SessionOptions
        {
            EndsAt = endsAt is null ? null : DateTimeOffset.Parse(endsAt, System.Globalization.CultureInfo.InvariantCulture),
            MaxDuration = maxDuration is null ? null : TimeSpan.Parse(maxDuration, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.That(SessionEnd.Compute(session, Start)?.At,
            Is.EqualTo(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("2026-11-23T18:10:00Z", null, "00:45:00", "2026-11-23T18:55:00Z")]
    [TestCase("2026-11-23T17:50:00Z", null, "00:45:00", "2026-11-23T18:45:00Z")]
    [TestCase("2026-11-23T18:10:00Z", "2026-11-23T18:50:00Z", "00:45:00", "2026-11-23T18:50:00Z")]
    public void The_maximum_duration_counts_from_the_session_start_when_the_daemon_booted_early(string startsAt, string? endsAt, string maxDuration, string expected)
    {
        var parse = (string s) => DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        var session = new SessionOptions
        {
            StartsAt = parse(startsAt),
            EndsAt = endsAt is null ? null : parse(endsAt),
            MaxDuration = TimeSpan.Parse(maxDuration, System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.That(SessionEnd.Compute(session, Start)?.At, Is.EqualTo(parse(expected)));
    }
}
