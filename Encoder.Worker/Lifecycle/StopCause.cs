using Encoder.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Encoder.Lifecycle;

/// <summary>
/// Records why the host is stopping, once, at the moment the stop begins: whoever stops the host on purpose claims
/// the reason first (<see cref="SessionClock"/>: the session ended, an operator ended the class); a stop nobody claimed
/// is explained by what the machine says (a failed service, the hard stop's marker, the class-ended marker) or else
/// is an operator's SIGTERM, which never ends the class. <see cref="ClassEndStep"/> reads it, and which services failed.
/// The first node of the lifecycle graph, so it also sees a stop caused by a failure during the start.
/// </summary>
public sealed class StopCause(
    RecordingLayout layout,
    IHostApplicationLifetime lifetime,
    IServiceProvider services,
    ILogger<StopCause> logger) : IHostedService, IDisposable
{
    private const int Unclaimed = -1;
    private int _reason = Unclaimed;
    private int _said;
    private CancellationTokenRegistration _onStopping;

    /// <summary>Read for the hard stop's marker; the process environment unless a test says otherwise.</summary>
    internal Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Null until the stop begins.</summary>
    public StopReason? Reason => Volatile.Read(ref _reason) is var reason and not Unclaimed ? (StopReason)reason : null;

    /// <summary>Claims the reason for a stop about to be requested; false when a reason was already recorded.</summary>
    public bool Claim(StopReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, Unclaimed) == Unclaimed;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = lifetime.ApplicationStopping.Register(() => Resolve());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called when the stop begins: keeps a claimed reason, else explains the stop, and says it once.</summary>
    public StopReason Resolve()
    {
        Claim(Explain());
        var reason = Reason!.Value;
        if (Interlocked.Exchange(ref _said, 1) == 0)
        {
            if (reason.EndsTheClass())
                logger.LogInformation("Stopping: {Reason}. The class is over: the recording is stored, then the instance may be terminated", reason.Describe());
            else
                logger.LogInformation("Stopping: {Reason}. The instance is not terminated; the class resumes when the service starts again", reason.Describe());
        }

        return reason;
    }

    private StopReason Explain()
    {
        if (FailedServices().Count > 0)
            return StopReason.Failure;
        if (ClassEndMarkers.HardStopFired(Environment))
            return StopReason.HardStop;
        if (ClassEndMarkers.ClassEnded(layout))
            return StopReason.ClassEndedByOperator;
        return StopReason.OperatorStop;
    }

    /// <summary>The hosted services whose work failed, by name; read once every service has stopped, it counts a failure while stopping too.</summary>
    public IReadOnlyList<string> FailedServices() =>
        [.. services.GetServices<IHostedService>().OfType<BackgroundService>()
            .Where(service => service.ExecuteTask is { IsFaulted: true })
            .Select(service => service.GetType().Name)];

    public void Dispose() => _onStopping.Dispose();
}
