using Encoder.Configuration;
using Encoder.Events;
using Microsoft.Extensions.Logging;

namespace Encoder.Playback;

/// <summary>
/// What the log says about the playback URL, from the class's events (<see cref="ClassEvents"/>): when the watch
/// begins and ends, the stream first playing, a WARN when it goes stale and an INFO when it recovers, with how long.
/// Each line has its event id (600–609), which tests and log queries match, not the wording. The URL is written as
/// configured and redacted by the log's formatter (<c>Logging/SecretRedactor</c> knows its token). The category stays
/// <see cref="PlaybackWatch"/>'s.
/// </summary>
public sealed partial class PlaybackLog(EncoderOptions options, ILogger<PlaybackWatch> logger) : IClassEventSubscriber
{
    public void Hear(ClassEvent happened)
    {
        switch (happened)
        {
            case PlaybackWatchBegan:
                Log.WatchBegan(logger, options.Playback.LiveUrl ?? "", options.Playback.CheckIntervalSeconds, options.Playback.StaleSeconds);
                return;
            case PlaybackLive live:
                Log.Live(logger, Math.Round(live.After.TotalSeconds, 1));
                return;
            case PlaybackStale stale:
                Log.Stale(logger, Math.Round((stale.At - stale.Since).TotalSeconds, 1), stale.Why, stale.Since);
                return;
            case PlaybackRecovered recovered:
                Log.Recovered(logger, Math.Round(recovered.StaleFor.TotalSeconds, 1));
                return;
            case PlaybackWatchEnded:
                Log.WatchEnded(logger);
                return;
            default:
                return;
        }
    }

    /// <summary>The playback watch's lines and their event ids.</summary>
    public static partial class Log
    {
        [LoggerMessage(EventId = 600, EventName = "PlaybackWatchBegan", Level = LogLevel.Information,
            Message = "Watching what viewers get: {Url} every {Interval}s (stale after {Stale}s without a new segment)")]
        public static partial void WatchBegan(ILogger logger, string url, double interval, double stale);

        [LoggerMessage(EventId = 601, EventName = "PlaybackLive", Level = LogLevel.Information,
            Message = "Playback is live: the CDN's playlist advanced {Seconds}s after the class began")]
        public static partial void Live(ILogger logger, double seconds);

        [LoggerMessage(EventId = 602, EventName = "PlaybackStale", Level = LogLevel.Warning,
            Message = "Playback is stale: viewers have had no new segment for {Seconds}s ({Why}, since {Since:O}). A report only: the stream is not failed over or restarted")]
        public static partial void Stale(ILogger logger, double seconds, string why, DateTimeOffset since);

        [LoggerMessage(EventId = 603, EventName = "PlaybackRecovered", Level = LogLevel.Information,
            Message = "Playback recovered: the CDN's playlist advances again after {Seconds}s stale")]
        public static partial void Recovered(ILogger logger, double seconds);

        [LoggerMessage(EventId = 604, EventName = "PlaybackWatchEnded", Level = LogLevel.Information, Message = "The class is over: the playback watch ends")]
        public static partial void WatchEnded(ILogger logger);
    }
}
