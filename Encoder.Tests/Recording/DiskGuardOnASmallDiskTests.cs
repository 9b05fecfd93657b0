using Encoder.Configuration;
using Encoder.Events;
using Encoder.Recording;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Recording;

/// <summary>
/// The guard's action on a real, small filesystem: a 64 MB tmpfs mounted by the test (as root) for a class that
/// would overflow it, 1 MB segments, some stored per the upload journal (which tells the segments' ledger) and some not.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public sealed class DiskGuardOnASmallDiskTests
{
    private const int Mb = 1024 * 1024;
    private string _mount = "";
    private EncoderOptions _options = null!;
    private RecordingLayout _layout = null!;
    private LocalFolderStore _store = null!;
    private SegmentLedger _segments = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<DiskGuard> _log = new();
    private readonly EventsSeen _seen = new();
    private DiskGuard _guard = null!;
    private int _next;

    [SetUp]
    public async Task MountASmallDisk()
    {
        _mount = Directory.CreateTempSubdirectory("encoder-small-disk-").FullName;
        var mount = await Tool.RunAsync("mount", ["-t", "tmpfs", "-o", "size=64m", "encoder-test", _mount]);
        Assert.That(mount.ExitCode, Is.Zero, mount.Output);
        _options = new EncoderOptions { SessionId = "class-full" };
        _options.Recording.Directory = _mount;
        _layout = new RecordingLayout(_options);
        Directory.CreateDirectory(_layout.SessionDirectory);
        _store = new LocalFolderStore(Path.Combine(_mount, "elsewhere"));
        _segments = new SegmentLedger(_time);
        _guard = new DiskGuard(_options, new RecordingDisk(_layout, _segments), _time, _log, new ClassEvents([_seen, new DiskLog(_log)]));
    }

    [TearDown]
    public async Task Unmount()
    {
        _guard.Dispose();
        var umount = await Tool.RunAsync("umount", [_mount]);
        Directory.Delete(_mount);
        Assert.That(umount.ExitCode, Is.Zero, umount.Output);
    }

    [Test]
    public void A_filling_disk_loses_the_stored_segments_first_then_the_guard_alerts_naming_what_only_this_machine_holds()
    {
        // 4 segments stored before storage went away, then segments that wait: the disk drops below 15 % free.
        var stored = Enumerable.Range(0, 4).Select(_ => WriteSegment()).ToList();
        using (var journal = new UploadJournal(_layout, _segments, _time))
        {
            journal.Open();
            foreach (var name in stored)
                journal.Stored(_store.Describe(StorageKeys.For(_options.SessionId, name)), new string('0', 32), Mb);
        }

        var waiting = new List<string>();
        while (Free() > 0.13 * Total())
            waiting.Add(WriteSegment());

        var freed = _guard.Check();

        Assert.That(freed.Drop, Is.Not.Empty);
        Assert.That(Free(), Is.GreaterThanOrEqualTo(0.15 * Total()), "the guard frees the disk back to the threshold");
        Assert.That(Segments(), Is.SupersetOf(waiting), "a segment storage does not hold is never deleted");
        Assert.That(freed.Drop.Select(s => s.Name), Is.EqualTo(stored.Take(freed.Drop.Count)), "oldest first");
        Assert.That(Segments(), Is.SupersetOf(stored.Skip(freed.Drop.Count)), "only as many as needed");

        // Storage stays away: the class goes on filling the disk, and the guard frees what it still can, then says so.
        _time.Advance(DiskGuard.Interval);
        while (Free() > 0.03 * Total())
            waiting.Add(WriteSegment());

        var atRisk = _guard.Check();

        Assert.That(atRisk.After, Is.EqualTo(DiskSpaceLevel.Critical));
        Assert.That(Segments().Where(s => !waiting.Contains(s)), Is.Empty, "every stored segment is gone");
        Assert.That(Segments(), Is.SupersetOf(waiting));
        var alert = _seen.Of<DiskLow>().Last();
        Assert.That((alert.Critical, alert.OnlyHere), Is.EqualTo((true, waiting)), "the alert names what only this machine holds");
        Assert.That(_log.Said.Last(), Is.EqualTo((LogLevel.Critical, 401)));
        Assert.That(_seen.Of<DiskSegmentsDeleted>().Select(d => d.Count).Sum(), Is.EqualTo(stored.Count), "each deletion said");
    }

    private string WriteSegment()
    {
        var name = $"seg_{_next++:D5}.ts";
        File.WriteAllBytes(Path.Combine(_layout.SessionDirectory, name), new byte[Mb]);
        return name;
    }

    private List<string> Segments() => [.. Directory.EnumerateFiles(_layout.SessionDirectory, "seg_*.ts").Select(f => Path.GetFileName(f)!)];

    private long Free() => new DriveInfo(_mount).AvailableFreeSpace;

    private long Total() => new DriveInfo(_mount).TotalSize;
}
