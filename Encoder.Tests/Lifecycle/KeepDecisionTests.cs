using Encoder.Lifecycle;

namespace Encoder.Tests.Lifecycle;

public sealed class KeepDecisionTests
{
    // termination verdict, kept by an earlier run → keep verdict
    [TestCase(TerminationVerdict.KeepUploadsPending, false, KeepVerdict.Keep)]
    [TestCase(TerminationVerdict.KeepUploadsPending, true, KeepVerdict.Keep)]
    [TestCase(TerminationVerdict.KeepDrainUnfinished, false, KeepVerdict.Keep)]
    [TestCase(TerminationVerdict.Terminate, false, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.Terminate, true, KeepVerdict.Release)]
    [TestCase(TerminationVerdict.TerminateDespitePendingUploads, false, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.TerminateDespitePendingUploads, true, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.KeepClassNotOver, false, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.KeepClassNotOver, true, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.DryRun, true, KeepVerdict.Nothing)]
    [TestCase(TerminationVerdict.Disabled, false, KeepVerdict.Nothing)]
    public void Keeps_what_a_class_that_is_over_left_unstored_and_releases_it_once_everything_is_stored(TerminationVerdict verdict, bool keptBefore, KeepVerdict expected) =>
        Assert.That(KeepDecision.Decide(verdict, keptBefore), Is.EqualTo(expected));

    [Test]
    public void Every_termination_verdict_has_a_keep_verdict() =>
        Assert.That(() => Enum.GetValues<TerminationVerdict>().SelectMany(v => new[] { KeepDecision.Decide(v, false), KeepDecision.Decide(v, true) }).ToList(), Throws.Nothing);

    private static readonly KeptFile Playlist = new("index.m3u8", 1_000);
    private static readonly KeptFile Journal = new("upload.journal", 2_000);
    private static readonly KeptFile Seg0 = new("seg_00000.ts", 100_000);
    private static readonly KeptFile Seg1 = new("seg_00001.ts", 100_000);
    private static readonly KeptFile Log = new("logs/encoder.log", 50_000);

    [Test]
    public void Everything_is_copied_when_it_fits_the_small_files_first_then_the_segments_in_order_then_the_logs()
    {
        var plan = KeptCopy.Plan([Log, Seg1, Journal, Seg0, Playlist], freeBytes: 1_000_000, reserveBytes: 0);

        Assert.That(plan.Copy, Is.EqualTo(new[] { Playlist, Journal, Seg0, Seg1, Log }));
        Assert.That(plan.DoNotFit, Is.Empty);
        Assert.That(plan.CopyBytes, Is.EqualTo(253_000));
    }

    // free bytes, reserve → what is copied (by name)
    [TestCase(203_000, 0, new[] { "index.m3u8", "upload.journal", "seg_00000.ts", "seg_00001.ts" })]
    [TestCase(202_999, 0, new[] { "index.m3u8", "upload.journal", "seg_00000.ts", "logs/encoder.log" })]
    [TestCase(1_203_000, 1_000_000, new[] { "index.m3u8", "upload.journal", "seg_00000.ts", "seg_00001.ts" })]
    [TestCase(2_999, 0, new[] { "index.m3u8" })]
    [TestCase(0, 0, new string[0])]
    [TestCase(100_000, 512_000, new string[0])]
    public void Copies_only_what_fits_in_the_free_space_less_the_reserve(long free, long reserve, string[] copied)
    {
        var plan = KeptCopy.Plan([Playlist, Journal, Seg0, Seg1, Log], free, reserve);

        Assert.That(plan.Copy.Select(f => f.RelativePath), Is.EqualTo(copied));
        Assert.That(plan.Copy.Concat(plan.DoNotFit), Is.EquivalentTo(new[] { Playlist, Journal, Seg0, Seg1, Log }), "every file is either copied or named as not fitting");
    }
}
