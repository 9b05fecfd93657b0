using Microsoft.Extensions.Hosting;

namespace Encoder.Egress;

/// <summary>
/// The relay's lifetime: it takes the recorder's datagrams and serves egresses from the host's start (registered
/// before the recorder, so it is up before the recorder's first run and stops after its last segment). It never relays
/// before the class: nothing sends to it. On stop, every egress's input ends.
/// </summary>
public sealed class RelayHost(MpegTsRelay relay) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        relay.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        relay.DisconnectAll();
        return Task.CompletedTask;
    }
}
