using Encoder.Ffmpeg;
using Microsoft.Extensions.Hosting;

namespace Encoder.Egress;

/// <summary>
/// Pushes the relay to the ingests (<see cref="IngestRouter"/>) from the class's start (when the recorder begins: nothing
/// is pushed before the class) until the daemon is asked to stop. It ends at the stop request, not at its own turn in
/// the stop order: the egresses then finish while the recorder writes its last segment, as the stop budget counts.
/// </summary>
public sealed class IngestRouterService(IngestRouter router, MpegTsRelay relay, RecorderHealth recorder, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await recorder.Begun.WaitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before the class began
        }

        // On stop, end the egresses' input so they finish at once instead of waiting on a silent relay.
        await using var onStop = stop.Token.Register(relay.DisconnectAll).ConfigureAwait(false);
        await router.RunAsync(stop.Token).ConfigureAwait(false);
    }
}
