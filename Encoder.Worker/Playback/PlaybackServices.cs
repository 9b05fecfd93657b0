using Encoder.Configuration;
using Encoder.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Encoder.Playback;

public static class PlaybackServices
{
    /// <summary>
    /// The playback watch, when <c>Encoder:Playback:LiveUrl</c> is set: its probe (with its own HTTP client), its log,
    /// and the watch itself. Without the URL nothing is registered: no <c>playback</c> in status.json, no metrics.
    /// </summary>
    public static IServiceCollection AddPlaybackWatch(this IServiceCollection services, EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Playback.LiveUrl is not { Length: > 0 } liveUrl)
            return services;
        var timeout = TimeSpan.FromSeconds(options.Playback.RequestTimeoutSeconds);
        services.AddSingleton(_ => new PlaybackProbe(PlaybackProbe.CreateClient(timeout), new Uri(liveUrl), timeout));
        services.AddSingleton<IClassEventSubscriber, PlaybackLog>();
        services.AddHostedService<PlaybackWatch>();
        return services;
    }
}
