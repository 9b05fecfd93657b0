using System.Text;
using Encoder.Recording;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>What goes up next, and in what order (<see cref="UploadPlan"/>): table tests over one small recording.</summary>
public sealed class UploadPlanTests
{
    private const string Directory = "/rec/yoga";
    private const string Live = "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6.0,\nseg_00000.ts\n#EXTINF:6.0,\nseg_00001.ts\n#EXTINF:6.0,\nseg_00002.ts\n";
    private static readonly string[] Segments = ["seg_00000.ts", "seg_00001.ts", "seg_00002.ts"];
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"sessionId\": \"yoga\"}");

    // Listed out of order: the plan sorts them by name.
    private static readonly LogFile[] Logs =
    [
        new("ffmpeg-recorder-run001.log", "/logs/ffmpeg-recorder-run001.log", new string('2', 32)),
        new("encoder.log", "/logs/encoder.log", new string('1', 32)),
    ];

    private static string Destination(string key) => "s3://studio/rec/" + key;

    /// <summary>
    /// <paramref name="stored"/>: what the journal holds, by name; a playlist or log as <c>name=live</c>, <c>=final</c>,
    /// <c>=same</c> (the content now on disk) or <c>=old</c> (other content). <paramref name="missing"/>: segment files not on disk.
    /// The plan is written as names, the playlist with its form.
    /// </summary>
    [TestCase(false, "", "", "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8(live)", "",
        TestName = "A live pass stores the new segments in playlist order, then the playlist that names them, and no logs")]
    [TestCase(false, "seg_00000.ts seg_00002.ts index.m3u8=old", "", "seg_00001.ts index.m3u8(live)", "",
        TestName = "A resume skips the segments the journal holds, wherever they are in the playlist")]
    [TestCase(false, "seg_00000.ts seg_00001.ts index.m3u8=old", "", "seg_00002.ts index.m3u8(live)", "",
        TestName = "A new segment goes up before the playlist that names it")]
    [TestCase(false, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=live", "", "", "",
        TestName = "Nothing new on disk: nothing to store")]
    [TestCase(false, "", "seg_00001.ts", "seg_00000.ts seg_00002.ts index.m3u8(live)", "seg_00001.ts",
        TestName = "A segment the playlist names that is neither on disk nor stored is lost, reported and does not hold the playlist back")]
    [TestCase(false, "seg_00000.ts seg_00001.ts", "seg_00000.ts seg_00001.ts", "seg_00002.ts index.m3u8(live)", "",
        TestName = "A segment deleted after its upload is not lost")]
    [TestCase(true, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=live", "", "index.m3u8(final) logs/encoder.log logs/ffmpeg-recorder-run001.log session.json", "",
        TestName = "The final pass replaces the live playlist with the VOD, then stores the logs by name and session.json last")]
    [TestCase(true, "seg_00000.ts", "", "seg_00001.ts seg_00002.ts index.m3u8(final) logs/encoder.log logs/ffmpeg-recorder-run001.log session.json", "",
        TestName = "The final pass stores the segments left before the final playlist")]
    [TestCase(true, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=final logs/encoder.log=same logs/ffmpeg-recorder-run001.log=same", "", "session.json", "",
        TestName = "A resumed drain skips the final playlist and the logs already stored with the same content")]
    [TestCase(true, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=final logs/encoder.log=old logs/ffmpeg-recorder-run001.log=same", "", "logs/encoder.log session.json", "",
        TestName = "A log that grew since its upload goes up again")]
    public void Plans_what_goes_up_next_in_order(bool final, string stored, string missing, string expected, string lost)
    {
        var files = Segments.Except(Words(missing)).Append(StorageKeys.PlaylistName).ToHashSet();

        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, Live, files.Contains, Logs, Manifest), Journal(stored), Ledger(stored), final, Destination);

        Assert.That(string.Join(' ', plan.Items.Select(Describe)), Is.EqualTo(expected));
        Assert.That(plan.Lost, Is.EqualTo(Words(lost)));
    }

    /// <summary>
    /// <paramref name="held"/>: what waits for its own retry (<see cref="UploadRetries"/>). A playlist is written with the
    /// number of segments it names; <c>=cut</c> in the journal is the playlist cut after seg_00000.ts.
    /// </summary>
    [TestCase(false, "", "seg_00001.ts", "seg_00000.ts seg_00002.ts index.m3u8(live 1)", "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8",
        TestName = "A held segment holds only the playlist, which goes up cut after the segment before it")]
    [TestCase(false, "", "seg_00000.ts", "seg_00001.ts seg_00002.ts", "seg_00000.ts seg_00001.ts seg_00002.ts",
        TestName = "With the first segment held no playlist goes up")]
    [TestCase(false, "seg_00000.ts seg_00002.ts index.m3u8=cut", "seg_00001.ts", "", "seg_00001.ts",
        TestName = "The cut playlist already stored is not sent again while the segment is held")]
    [TestCase(false, "seg_00000.ts", "seg_00001.ts seg_00002.ts", "index.m3u8(live 1)", "seg_00001.ts seg_00002.ts index.m3u8",
        TestName = "The playlist is cut at the first held segment, whatever is held after it")]
    [TestCase(true, "seg_00000.ts seg_00002.ts index.m3u8=cut", "seg_00001.ts",
        "logs/encoder.log logs/ffmpeg-recorder-run001.log session.json", "seg_00001.ts index.m3u8 logs/encoder.log logs/ffmpeg-recorder-run001.log session.json",
        TestName = "At the drain the VOD waits for a held segment and stays pending, while the logs and session.json go up")]
    [TestCase(false, "", "index.m3u8", "seg_00000.ts seg_00001.ts seg_00002.ts", "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8",
        TestName = "A held playlist is pending, not planned")]
    [TestCase(true, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=final", "logs/encoder.log", "logs/ffmpeg-recorder-run001.log session.json",
        "logs/encoder.log logs/ffmpeg-recorder-run001.log session.json",
        TestName = "A held log does not hold back the logs after it or session.json")]
    public void Holds_what_waits_for_its_own_retry_and_nothing_after_it_but_the_playlist(bool final, string stored, string held, string expected, string pending)
    {
        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, Live, Segments.Append(StorageKeys.PlaylistName).ToHashSet().Contains, Logs, Manifest), Journal(stored),
            Ledger(stored), final, Destination, Words(held).Select(name => "yoga/" + name).ToHashSet());

        Assert.That(string.Join(' ', plan.Items.Select(Counted)), Is.EqualTo(expected));
        Assert.That(string.Join(' ', plan.Pending.Select(key => key["yoga/".Length..])), Is.EqualTo(pending));
    }

    /// <summary>
    /// <paramref name="settledBefore"/>: the <see cref="UploadPlan.Settled"/> of the plan before; the files on disk are the
    /// segments not in <paramref name="missing"/>. A settled prefix is not looked at again (not even asked of the disk).
    /// </summary>
    [TestCase("", "", 0, 0, "seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8(live)", "",
        TestName = "Nothing stored: nothing is settled")]
    [TestCase("seg_00000.ts seg_00001.ts", "", 0, 2, "seg_00002.ts index.m3u8(live)", "",
        TestName = "The stored first segments are settled")]
    [TestCase("seg_00000.ts seg_00002.ts", "", 0, 1, "seg_00001.ts index.m3u8(live)", "",
        TestName = "The settled prefix ends at the first segment still to store, whatever is stored after it")]
    [TestCase("seg_00001.ts", "seg_00000.ts", 0, 2, "seg_00002.ts index.m3u8(live)", "seg_00000.ts",
        TestName = "A lost segment is settled: nothing will ever store it")]
    [TestCase("seg_00000.ts seg_00001.ts seg_00002.ts index.m3u8=old", "seg_00000.ts seg_00001.ts", 2, 3, "index.m3u8(live)", "",
        TestName = "From a settled prefix the plan looks only after it, and its deleted files are not lost")]
    [TestCase("seg_00000.ts", "seg_00001.ts", 2, 2, "seg_00002.ts index.m3u8(live)", "",
        TestName = "A lost segment in the settled prefix is not reported again")]
    public void Skips_the_prefix_an_earlier_plan_found_settled(string stored, string missing, int settledBefore, int settled, string expected, string lost)
    {
        var asked = new List<string>();
        var files = Segments.Except(Words(missing)).ToHashSet();
        bool HasFile(string name)
        {
            asked.Add(name);
            return files.Contains(name);
        }

        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, Live, HasFile, [], null), Journal(stored), Ledger(stored), false, Destination, settled: settledBefore);

        Assert.That(string.Join(' ', plan.Items.Select(Describe)), Is.EqualTo(expected));
        Assert.That((plan.Settled, plan.Lost), Is.EqualTo((settled, Words(lost))));
        Assert.That(asked.Intersect(Segments.Take(settledBefore)), Is.Empty, "a settled segment is not asked of the disk");
    }

    [TestCase(false, "")]
    [TestCase(true, "logs/encoder.log logs/ffmpeg-recorder-run001.log session.json")]
    public void Before_FFmpeg_writes_a_playlist_only_the_drain_has_something_to_store(bool final, string expected)
    {
        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, null, _ => false, Logs, Manifest), new JournalState(), new SegmentLedger(TimeProvider.System), final, Destination);

        Assert.That(string.Join(' ', plan.Items.Select(Describe)), Is.EqualTo(expected));
        Assert.That(plan.Playlist, Is.EqualTo(HlsPlaylist.Empty));
    }

    [Test]
    public void Items_carry_the_local_file_or_the_exact_bytes_and_the_headers_of_their_kind()
    {
        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, Live, Segments.ToHashSet().Contains, Logs, Manifest), new JournalState(), new SegmentLedger(TimeProvider.System), true, Destination);

        Assert.That(plan.Items.Select(i => (i.Key, i.Headers, i.LocalPath, i.Segment)), Is.EqualTo(new (string, ObjectHeaders, string?, string?)[]
        {
            ("yoga/seg_00000.ts", ObjectHeaders.Segment, "/rec/yoga/seg_00000.ts", "seg_00000.ts"),
            ("yoga/seg_00001.ts", ObjectHeaders.Segment, "/rec/yoga/seg_00001.ts", "seg_00001.ts"),
            ("yoga/seg_00002.ts", ObjectHeaders.Segment, "/rec/yoga/seg_00002.ts", "seg_00002.ts"),
            ("yoga/index.m3u8", ObjectHeaders.FinalPlaylist, null, null),
            ("yoga/logs/encoder.log", ObjectHeaders.Log, "/logs/encoder.log", null),
            ("yoga/logs/ffmpeg-recorder-run001.log", ObjectHeaders.Log, "/logs/ffmpeg-recorder-run001.log", null),
            ("yoga/session.json", ObjectHeaders.Manifest, null, null),
        }));
        Assert.That(Encoding.UTF8.GetString(plan.Items[3].Content!), Is.EqualTo(HlsPlaylist.AsFinal(Live)));
        Assert.That(plan.Items[6].Content, Is.EqualTo(Manifest));
        Assert.That(plan.Playlist.Segments.Select(s => s.Uri), Is.EqualTo(Segments));
    }

    [Test]
    public void The_live_playlist_goes_up_as_FFmpeg_wrote_it()
    {
        var plan = UploadPlan.For("yoga", new RecordingSnapshot(Directory, Live, Segments.ToHashSet().Contains, [], null), new JournalState(), new SegmentLedger(TimeProvider.System), false, Destination);

        Assert.That(Encoding.UTF8.GetString(plan.Items.Single(i => i.Headers == ObjectHeaders.LivePlaylist).Content!), Is.EqualTo(Live));
    }

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string Describe(UploadItem item)
    {
        var name = item.Key["yoga/".Length..];
        return item.Headers == ObjectHeaders.LivePlaylist ? name + "(live)" : item.Headers == ObjectHeaders.FinalPlaylist ? name + "(final)" : name;
    }

    private static string Counted(UploadItem item) => item.Content is { } content && item.Key.EndsWith(".m3u8", StringComparison.Ordinal)
        ? $"{Describe(item)[..^1]} {HlsPlaylist.Parse(Encoding.UTF8.GetString(content)).Segments.Count})"
        : Describe(item);

    private static JournalState Journal(string stored)
    {
        var at = new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
        return JournalState.Replay(Words(stored).Select(entry =>
        {
            var (name, content) = entry.Split('=') is [var n, var c] ? (n, c) : (entry, "old");
            return JournalState.StoredLine(at, Destination("yoga/" + name), Md5(name, content), 1);
        }));
    }

    /// <summary>The segments' ledger with the segments of <paramref name="stored"/> stored.</summary>
    private static SegmentLedger Ledger(string stored)
    {
        var ledger = new SegmentLedger(TimeProvider.System);
        foreach (var entry in Words(stored))
            ledger.Stored(entry.Split('=')[0]);
        return ledger;
    }

    private static string Md5(string name, string content) => content switch
    {
        "live" => ContentMd5.Hex(Encoding.UTF8.GetBytes(Live)),
        "final" => ContentMd5.Hex(Encoding.UTF8.GetBytes(HlsPlaylist.AsFinal(Live))),
        "cut" => ContentMd5.Hex(Encoding.UTF8.GetBytes("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:6.0,\nseg_00000.ts\n")),
        "same" => Logs.Single(l => "logs/" + l.Name == name).Md5,
        _ => new string('0', 32),
    };
}
