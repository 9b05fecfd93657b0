using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// The last step of a class: terminate this EC2 instance. It acts in <see cref="StoppedAsync"/>, which the host calls
/// only after every hosted service has stopped — so after FFmpeg has flushed and the uploader has drained.
/// Not built yet: it only says so.
/// </summary>
public sealed class SelfTerminator(ILogger<SelfTerminator> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Self-termination is disabled; this machine keeps running");
        return Task.CompletedTask;
    }
}
