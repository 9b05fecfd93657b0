namespace Encoder.Status;

/// <summary>
/// Whether systemd expects watchdog pings, and how often (pure over the environment, as sd_watchdog_enabled reads it):
/// <c>WATCHDOG_USEC</c> set by <c>WatchdogSec=</c>, and <c>WATCHDOG_PID</c>, when set, naming this process. Pings go at
/// half the timeout, as systemd advises.
/// </summary>
public static class SystemdWatchdog
{
    /// <summary>The interval between pings; null when no watchdog is asked for (or it is meant for another process).</summary>
    public static TimeSpan? PingInterval(Func<string, string?> environment, int processId)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!long.TryParse(environment("WATCHDOG_USEC"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var usec) || usec <= 0)
            return null;
        if (environment("WATCHDOG_PID") is { Length: > 0 } pid && pid != processId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            return null;
        return TimeSpan.FromMicroseconds(usec / 2);
    }
}
