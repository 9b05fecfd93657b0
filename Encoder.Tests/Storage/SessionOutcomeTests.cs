using System.Text.Json;
using Encoder.Lifecycle;
using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>What session.json tells a CMS: whether the recording is whole, what it lacks, the faults ridden out, where it plays.</summary>
public sealed class SessionOutcomeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 18, 0, 0, TimeSpan.Zero);
    private static readonly Outage Camera = new(Outage.Camera, T0.AddMinutes(5), T0.AddMinutes(5).AddSeconds(12), "the camera or the recorder failed; restarted");
    private static readonly Outage Storage = new(Outage.Storage, T0.AddMinutes(7), T0.AddMinutes(8), "storage unavailable");
    private static readonly Outage Daemon = new(Outage.Daemon, T0.AddMinutes(2), T0.AddMinutes(2).AddSeconds(4), "the daemon stopped unexpectedly and was restarted");

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(10, Array.Empty<string>(), Array.Empty<Outage>(), "complete", null, false)
            .SetName("Every segment and the playlist stored, nothing unrecorded: complete");
        yield return new TestCaseData(10, Array.Empty<string>(), new[] { Storage }, "complete", null, false)
            .SetName("A storage outage the uploads caught up with is no gap: complete");
        yield return new TestCaseData(10, new[] { "logs/encoder.log" }, Array.Empty<Outage>(), "complete", new[] { "logs/encoder.log" }, false)
            .SetName("A log not stored is listed but the recording is complete");
        yield return new TestCaseData(10, new[] { "seg_00004.ts", "index.m3u8" }, Array.Empty<Outage>(), "incomplete", new[] { "index.m3u8", "seg_00004.ts" }, false)
            .SetName("A segment not stored holds the VOD playlist back: incomplete, both named");
        yield return new TestCaseData(10, Array.Empty<string>(), new[] { Camera }, "incomplete", Array.Empty<string>(), false)
            .SetName("A camera outage is a gap: incomplete");
        yield return new TestCaseData(10, Array.Empty<string>(), new[] { Daemon }, "incomplete", Array.Empty<string>(), false)
            .SetName("A daemon restart is a gap: incomplete");
        yield return new TestCaseData(0, Array.Empty<string>(), Array.Empty<Outage>(), "incomplete", Array.Empty<string>(), true)
            .SetName("Nothing recorded: incomplete");
    }

    [TestCaseSource(nameof(Cases))]
    public void The_outcome_is_complete_only_when_storage_holds_the_whole_recording_and_nothing_went_unrecorded(
        int segments, string[] notStored, Outage[] outages, string outcome, string[]? missing, bool nothingRecorded)
    {
        var decided = SessionOutcome.Decide(segments, notStored, outages);

        Assert.That(decided.Outcome, Is.EqualTo(outcome));
        Assert.That(decided.Missing?.NotStored, Is.EqualTo(missing));
        Assert.That(decided.Missing?.NothingRecorded ?? false, Is.EqualTo(nothingRecorded));
        Assert.That(decided.Missing?.Gaps.Select(g => g.Kind) ?? [], Is.EqualTo(outages.Where(o => o.Kind != Outage.Storage).Select(o => o.Kind)));
    }

    [Test]
    public void Gaps_are_in_time_order_with_their_durations()
    {
        var decided = SessionOutcome.Decide(10, [], [Camera, Daemon]);

        Assert.That(decided.Missing!.Gaps.Select(g => (g.Kind, g.StartedAt, g.Seconds)),
            Is.EqualTo(new[] { (Outage.Daemon, Daemon.StartedAt, 4.0), (Outage.Camera, Camera.StartedAt, 12.0) }));
    }

    [Test]
    public void The_manifest_states_outcome_faults_and_the_playback_url()
    {
        var playlist = HlsPlaylist.Parse(HlsPlaylist.AsFinal("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.0,\nseg_00001.ts\n"));

        var manifest = SessionManifest.Build("yoga", T0, T0.AddHours(1), playlist, "recordings/yoga/index.m3u8", ["primary", "secondary"],
            [Camera, Storage], [new DaemonRestart(Daemon.StartedAt, Daemon.EndedAt)], ["seg_00001.ts"], new FailoverCounts(2, 1, 0.84),
            "https://d111111abcdef8.cloudfront.net/");

        using var json = JsonDocument.Parse(manifest.ToJson());
        var root = json.RootElement;
        Assert.That(root.GetProperty("outcome").GetString(), Is.EqualTo("incomplete"));
        Assert.That(root.GetProperty("missing").GetProperty("notStored").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "seg_00001.ts" }));
        Assert.That(root.GetProperty("missing").GetProperty("gaps").EnumerateArray().Select(g => (g.GetProperty("kind").GetString(), g.GetProperty("seconds").GetDouble())),
            Is.EqualTo(new[] { ("daemon", 4.0), ("camera", 12.0) }));
        var faults = root.GetProperty("faults");
        Assert.That((faults.GetProperty("failovers").GetInt32(), faults.GetProperty("returns").GetInt32(), faults.GetProperty("lastFailoverSeconds").GetDouble()),
            Is.EqualTo((2, 1, 0.84)));
        Assert.That(faults.GetProperty("cameraOutages").EnumerateArray().Select(o => o.GetProperty("seconds").GetDouble()), Is.EqualTo(new[] { 12.0 }));
        Assert.That(faults.GetProperty("storageOutages").EnumerateArray().Select(o => o.GetProperty("seconds").GetDouble()), Is.EqualTo(new[] { 60.0 }));
        Assert.That(faults.GetProperty("daemonRestarts").GetArrayLength(), Is.EqualTo(1));
        Assert.That(root.GetProperty("playbackUrl").GetString(), Is.EqualTo("https://d111111abcdef8.cloudfront.net/recordings/yoga/index.m3u8"));
    }

    [Test]
    public void Without_a_playback_base_url_the_manifest_names_none_and_a_whole_recording_lists_nothing_missing()
    {
        var playlist = HlsPlaylist.Parse(HlsPlaylist.AsFinal("#EXTM3U\n#EXTINF:2.0,\nseg_00000.ts\n"));

        using var json = JsonDocument.Parse(SessionManifest.Build("yoga", T0, T0.AddHours(1), playlist, "yoga/index.m3u8", ["primary"], [], []).ToJson());

        Assert.That(json.RootElement.GetProperty("outcome").GetString(), Is.EqualTo("complete"));
        Assert.That(json.RootElement.TryGetProperty("playbackUrl", out _), Is.False);
        Assert.That(json.RootElement.TryGetProperty("missing", out _), Is.False);
        Assert.That(json.RootElement.GetProperty("faults").GetProperty("failovers").GetInt32(), Is.Zero);
    }
}
