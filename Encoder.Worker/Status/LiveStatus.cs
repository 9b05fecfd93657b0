using Encoder.Configuration;
using Encoder.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace Encoder.Status;

/// <summary>
/// Tells whoever watches the daemon on its machine how the class goes, once a second: systemd (sd_notify: <c>READY=1</c>
/// when every service has started, <c>STATUS=</c> one line every few seconds for <c>systemctl status</c>,
/// <c>WATCHDOG=1</c>, <c>STOPPING=1</c>) and, on a terminal, the live status line (<see cref="TerminalStatusLine"/>).
/// The watchdog ping goes from this loop, after it has taken a snapshot of every part's state (under the locks those
/// parts take): if the loop, its timer, the thread pool or a state lock hangs, the pings stop and systemd restarts
/// the daemon (<c>WatchdogSec=</c> in <c>encoder.service</c>). systemd only watches a running service: the stop and
/// its drain are not timed by the watchdog.
/// </summary>
public sealed class LiveStatus(
    EncoderOptions options,
    EncoderStatus status,
    ISystemdNotifier systemd,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    TerminalStatusLine? terminal = null) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    /// <summary>How often <c>STATUS=</c> is sent: a datagram each time, so every few seconds, not every tick.</summary>
    public static readonly TimeSpan SystemdStatusInterval = TimeSpan.FromSeconds(3);

    private readonly TimeSpan? _watchdog = SystemdWatchdog.PingInterval(Environment.GetEnvironmentVariable, Environment.ProcessId);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (systemd.IsEnabled)
        {
            // Under systemd itself, SystemdLifetime sends READY=1 and STOPPING=1; any other supervisor that set NOTIFY_SOCKET gets them from here.
            var byLifetime = SystemdHelpers.IsSystemdService();
            lifetime.ApplicationStarted.Register(() =>
            {
                if (!byLifetime)
                    systemd.Notify(ServiceState.Ready);
            });
            lifetime.ApplicationStopping.Register(() =>
            {
                if (!byLifetime)
                    systemd.Notify(ServiceState.Stopping);
                systemd.Notify(new ServiceState("STATUS=stopping: finishing the last segment, then storing the recording"));
            });
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!systemd.IsEnabled && terminal is null)
            return;
        var lastStatus = DateTimeOffset.MinValue;
        var lastPing = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            do
            {
                var snapshot = status.Snapshot(options.SessionId);
                var line = StatusLine.Format(snapshot, status.Rates);
                terminal?.Show(line);
                var now = time.GetUtcNow();
                if (systemd.IsEnabled && now - lastStatus >= SystemdStatusInterval)
                {
                    lastStatus = now;
                    systemd.Notify(new ServiceState("STATUS=" + line));
                }

                if (systemd.IsEnabled && _watchdog is { } interval && now - lastPing >= interval)
                {
                    lastPing = now;
                    systemd.Notify(new ServiceState("WATCHDOG=1"));
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        terminal?.Dispose(); // the log lines of the stop follow on a clean line
    }
}
