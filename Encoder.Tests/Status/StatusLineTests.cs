using Encoder.Status;

namespace Encoder.Tests.Status;

/// <summary>The one-line status `systemctl status encoder` and the terminal show.</summary>
public sealed class StatusLineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static OutputSnapshot Output(string state, long frames = 0, long? bytes = null, int restarts = 0) =>
        new(state, frames, bytes, 1.0, 0, null, null, null, 0, restarts);

    private static StatusSnapshot Snapshot(
        double atSeconds = 0, string? active = "primary", string recorder = "streaming", long frames = 0, long? recorderBytes = null,
        long? primaryBytes = null, int recorded = 0, int stored = 0, int failovers = 0, int restarts = 0, bool slots = true) =>
        new("yoga", T0.AddSeconds(atSeconds), atSeconds, active, failovers, null, 0, recorded, stored, Output(recorder, frames, recorderBytes, restarts),
            slots ? new Dictionary<string, OutputSnapshot> { ["primary"] = Output("streaming", 0, primaryBytes), ["secondary"] = Output("idle") } : []);

    [TestCase("primary", "streaming", 25.0, 4512.4, 42, 41, 1, 0, "on primary | 25.0 fps | 4512 kb/s | 42 segments, 1 upload pending | 1 failover, 0 camera outages",
        TestName = "Streaming on the primary")]
    [TestCase("secondary", "streaming", 24.96, 800.0, 10, 7, 2, 1, "on secondary | 25.0 fps | 800 kb/s | 10 segments, 3 uploads pending | 2 failovers, 1 camera outage",
        TestName = "Failed over, with uploads behind")]
    [TestCase(null, "streaming", null, null, 1, 1, 3, 0, "no ingest | - fps | - kb/s | 1 segment, 0 uploads pending | 3 failovers, 0 camera outages",
        TestName = "Both ingests down and no rates yet")]
    [TestCase("primary", "down", 25.0, 4000.0, 5, 9, 0, 4, "on primary | recorder down | 5 segments, 0 uploads pending | 0 failovers, 4 camera outages",
        TestName = "Camera down: no rates, and more stored than the playlist says is not negative")]
    public void The_line_says_slot_rates_segments_pending_uploads_and_faults(
        string? active, string recorder, double? fps, double? kbps, int recorded, int stored, int failovers, int restarts, string expected)
    {
        var snapshot = Snapshot(active: active, recorder: recorder, recorded: recorded, stored: stored, failovers: failovers, restarts: restarts);

        Assert.That(StatusLine.Format(snapshot, new LiveRates(fps, kbps)), Is.EqualTo(expected));
    }

    [Test]
    public void Before_any_ingest_was_planned_the_line_says_not_streaming()
    {
        Assert.That(StatusLine.Format(Snapshot(active: null, recorder: "idle", slots: false), LiveRates.Unknown),
            Is.EqualTo("not streaming | recorder idle | 0 segments, 0 uploads pending | 0 failovers, 0 camera outages"));
    }

    [TestCase("30000000", null, 15.0, TestName = "WatchdogSec=30s: a ping every 15 s")]
    [TestCase("2000000", "4242", 1.0, TestName = "For this process")]
    [TestCase("30000000", "1", null, TestName = "Meant for another process: no pings")]
    [TestCase(null, null, null, TestName = "No WatchdogSec: no pings")]
    [TestCase("0", null, null, TestName = "Zero: no pings")]
    [TestCase("soon", null, null, TestName = "Unreadable: no pings")]
    public void The_watchdog_is_pinged_at_half_systemd_s_timeout_when_it_is_meant_for_this_process(string? usec, string? pid, double? seconds)
    {
        var environment = new Dictionary<string, string?> { ["WATCHDOG_USEC"] = usec, ["WATCHDOG_PID"] = pid };

        Assert.That(SystemdWatchdog.PingInterval(environment.GetValueOrDefault, 4242)?.TotalSeconds, Is.EqualTo(seconds));
    }
}
