using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

public sealed partial class IngestFaultTests
{
    private static readonly TimeSpan HogFor = TimeSpan.FromSeconds(30);

    private static long? RelayOrNull(StatusFile status, string counter) => Relay(status, counter) is var value && value >= 0 ? value : null;

    [Test]
    public async Task Thirty_seconds_of_a_CPU_hog_on_every_core_leaves_the_ingest_playable_and_the_relay_loses_nothing()
    {
        var (settings, _, status) = Class("cpu-hog");
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");
        var before = (Restarts: status.RecorderRestarts(), Continuity: Relay(status, "continuityErrors"));

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
        var after = (Restarts: status.RecorderRestarts(), Continuity: Relay(status, "continuityErrors"));
        TestContext.Out.WriteLine($"{hogs.Count} hogs for {HogFor.TotalSeconds:0} s: continuity errors {before.Continuity} → {after.Continuity}, "
            + $"recorder restarts {before.Restarts} → {after.Restarts}, failovers {status.Number("failovers")}, socketDrops {RelayOrNull(status, "socketDrops")?.ToString() ?? "null"}");
        Assert.That(daemon.HasExited, Is.False, daemon.Output);
        if (after.Restarts == before.Restarts) // a recorder restart starts a new stream, whose counters need not follow the last
            Assert.That(after.Continuity, Is.EqualTo(before.Continuity), "the relay's socket loses nothing: the recorder waits for it instead");

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        var flv = _primary.RecordingsFor(_key + "-p").OrderByDescending(f => new FileInfo(f).Length).First();
        Assert.That(await Ffprobe.DurationSecondsAsync(flv), Is.GreaterThan(HogFor.TotalSeconds), "the ingest's recording spans the hog");
        Assert.That(await Ffprobe.CountVideoFramesAsync(flv), Is.GreaterThan(HogFor.TotalSeconds * 10), "it decodes: playable through the hog");
    }
}
