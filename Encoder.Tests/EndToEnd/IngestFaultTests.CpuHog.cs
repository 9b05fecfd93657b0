using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

public sealed partial class IngestFaultTests
{
    private static readonly TimeSpan HogFor = TimeSpan.FromSeconds(30);

    private static long? RelayOrNull(StatusFile status, string counter) => Relay(status, counter) is var value && value >= 0 ? value : null;

    [Test]
    public async Task Thirty_seconds_of_a_CPU_hog_on_every_core_leaves_the_ingest_playable_and_the_relay_counts_its_loss()
    {
        var (settings, _, status) = Class("cpu-hog");
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");
        var before = (Drops: RelayOrNull(status, "socketDrops"), Continuity: Relay(status, "continuityErrors"));
        Assert.That(before.Drops, Is.Not.Null, "the kernel's drop counter for the relay's socket is in status.json");

        var hogs = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => ChildProcess.Start("sh", ["-c", "while :; do :; done"]))
            .ToList();
        try
        {
            await Task.Delay(HogFor);
        }
        finally
        {
            foreach (var hog in hogs)
                await hog.DisposeAsync(); // SIGTERM by PID
        }

        var bytesAfterHog = _primary.BytesRecordedFor(_key + "-p");
        await Poll.UntilAsync(() => _primary.BytesRecordedFor(_key + "-p") > bytesAfterHog, Soon, "the primary keeps receiving video after the hog");
        var after = (Drops: RelayOrNull(status, "socketDrops"), Continuity: Relay(status, "continuityErrors"));
        TestContext.Out.WriteLine($"{hogs.Count} hogs for {HogFor.TotalSeconds:0} s: socket drops {before.Drops} → {after.Drops}, continuity errors {before.Continuity} → {after.Continuity}, "
            + $"recorder restarts {status.RecorderRestarts()}, failovers {status.Number("failovers")}");
        Assert.That(daemon.HasExited, Is.False, daemon.Output);
        Assert.That(after.Drops, Is.GreaterThanOrEqualTo(before.Drops!.Value), "a counter, never reset mid-class");

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        var flv = _primary.RecordingsFor(_key + "-p").OrderByDescending(f => new FileInfo(f).Length).First();
        Assert.That(await Ffprobe.DurationSecondsAsync(flv), Is.GreaterThan(HogFor.TotalSeconds), "the ingest's recording spans the hog");
        Assert.That(await Ffprobe.CountVideoFramesAsync(flv), Is.GreaterThan(HogFor.TotalSeconds * 10), "it decodes: playable through the hog");
    }
}
