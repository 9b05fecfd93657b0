using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Recording;

/// <summary>
/// Keeps the segments' ledger current with the recorder's playlist, on its own: it reads the playlist
/// (<see cref="PlaylistReader"/>) each time the recorder puts a new one in place (<see cref="PlaylistChanges"/>), or
/// after the watch's fallback. So what is recorded and what waits are known while the uploader is blocked in a request.
/// Registered before the uploader, so it starts before it and stops after its drain.
/// </summary>
public sealed class PlaylistWatch(PlaylistChanges changes, PlaylistReader reader, TimeProvider time, ILogger<PlaylistWatch> logger) : BackgroundService
{
    /// <summary>How often it looks where the playlist cannot be watched.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = changes.Watching ? changes.Next : null; // before the read, so no change is missed
            try
            {
                reader.Read();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogDebug(ex, "Could not read the playlist; looking again at the next change");
            }

            using var early = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(changed is null ? PollInterval : changes.Fallback, time, early.Token);
            await Task.WhenAny(changed ?? delay, delay).ConfigureAwait(false);
            await early.CancelAsync().ConfigureAwait(false); // the timer goes now, not when it would have fired
        }
    }
}
