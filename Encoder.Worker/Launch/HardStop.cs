using System.Globalization;

namespace Encoder.Launch;

/// <summary>
/// The stop the daemon can't escape: a systemd timer baked into the AMI (<c>encoder-hard-stop.timer</c>) powers the
/// instance off, and EC2 terminates it because the launcher sets InstanceInitiatedShutdownBehavior=terminate.
/// The timer fires at the class's end plus the hard limit (a drop-in the user-data writes) or after
/// <see cref="MaxUptime"/> of uptime (baked in, so it holds even if cloud-init never ran), whichever comes first.
/// The deadline is absolute and the launcher keeps it within <see cref="MaxUptime"/> of the launch, so for a class it is
/// also the uptime cap counted from the launch, whatever reboots happen (the baked cap counts from each boot).
/// Before it powers off, the unit asks <c>cloud-init/encoder-hard-stop-may-fire</c>: an instance kept for its pending
/// uploads that boots after its deadline is held at that boot, until <see cref="MaxUptime"/> of its uptime.
/// </summary>
public static class HardStop
{
    /// <summary>How long after the class's end the instance may live. The default value is 30 minutes.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(30);

    /// <summary>The baked-in uptime cap (<c>OnBootSec=</c> in cloud-init/encoder-hard-stop.timer). No class may end later.</summary>
    public static readonly TimeSpan MaxUptime = TimeSpan.FromHours(12);

    public const string TimerDropInPath = "/etc/systemd/system/encoder-hard-stop.timer.d/class.conf";

    /// <summary>The drop-in that adds the class's absolute deadline to the baked timer.</summary>
    public static string TimerDropIn(DateTimeOffset endsAt, DateTimeOffset hardStopAt) =>
        $"""
        # The class ends at {Iso(endsAt)}; whatever the daemon does, the instance powers off (EC2 then terminates it) at:
        [Timer]
        OnCalendar={hardStopAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC

        """;

    public static string Iso(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
