using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Content;

/// <summary>
/// What the log says about the picture and the sound, from the class's events (<see cref="ClassEvents"/>): one WARN when a
/// condition starts (journald priority 4, so <c>journalctl -u encoder -p warning</c> shows it) and one INFO when it
/// ends, with how long it lasted. Each line has its event id (500–509), which tests and log queries match, not the
/// wording. The category is <see cref="ContentWatch"/>'s.
/// </summary>
public sealed partial class ContentLog(ILogger<ContentWatch> logger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case ContentConditionStarted started:
                Log.Started(logger, Describe(started.Condition), started.Lasted.TotalSeconds);
                return;
            case ContentConditionEnded { Measured: true } ended:
                Log.Ended(logger, Describe(ended.Condition), ended.Lasted.TotalSeconds);
                return;
            case ContentConditionEnded ended:
                Log.Unmeasured(logger, Describe(ended.Condition), ended.Lasted.TotalSeconds);
                return;
            default:
                return;
        }
    }

    /// <summary>The condition as the lines say it.</summary>
    public static string Describe(ContentCondition condition) => condition switch
    {
        ContentCondition.Black => "picture is black",
        ContentCondition.Frozen => "picture is frozen",
        _ => "sound is silent",
    };

    /// <summary>The content watch's lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "ContentConditionStarted", Level = LogLevel.Warning,
            Message = "Content: the {Condition} (for {Seconds:0}s so far): the viewers get it too")]
        public static partial void Started(ILogger logger, string condition, double seconds);

        [LoggerMessage(EventId = 501, EventName = "ContentConditionEnded", Level = LogLevel.Information,
            Message = "Content: the {Condition} no more, after {Seconds:0.0}s")]
        public static partial void Ended(ILogger logger, string condition, double seconds);

        [LoggerMessage(EventId = 502, EventName = "ContentConditionUnmeasured", Level = LogLevel.Information,
            Message = "Content: the {Condition} for {Seconds:0.0}s, then the watch lost the stream (the recorder's state says why)")]
        public static partial void Unmeasured(ILogger logger, string condition, double seconds);
    }
}
