using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;

namespace Encoder.Tests.Recording;

/// <summary>The copy to the root volume, on real folders, with a stand-in mount table saying the recordings are (or are not) a mount of their own.</summary>
public sealed class RootVolumeCopyTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolders() => _root = Directory.CreateTempSubdirectory("encoder-rootcopy-").FullName;

    [TearDown]
    public void DeleteFolders() => Directory.Delete(_root, recursive: true);

    private RootVolumeCopy CopyWithMounts(params string[] mountPoints)
    {
        var options = new EncoderOptions { SessionId = "class-1", Recording = { Directory = Path.Combine(_root, "recordings") } };
        var session = Path.Combine(_root, "recordings", "class-1");
        Directory.CreateDirectory(Path.Combine(session, "logs"));
        File.WriteAllText(Path.Combine(session, "index.m3u8"), "#EXTM3U\n");
        File.WriteAllBytes(Path.Combine(session, "seg_00000.ts"), new byte[188 * 10]);
        File.WriteAllText(Path.Combine(session, "logs", "encoder.log"), "log\n");
        var mounts = Path.Combine(_root, "mounts");
        File.WriteAllLines(mounts, mountPoints.Select(m => $"/dev/nvme1n1 {m.Replace(" ", "\\040", StringComparison.Ordinal)} ext4 rw,noatime 0 0").Prepend("/dev/root / ext4 rw 0 0"));
        return new RootVolumeCopy(new RecordingLayout(options)) { MountsFile = mounts };
    }

    [Test]
    public async Task A_recording_on_its_own_mount_is_copied_whole_beside_it_under_kept()
    {
        var copy = CopyWithMounts(Path.Combine(_root, "recordings"));

        var result = await copy.CopyAsync(CancellationToken.None);

        var kept = Path.Combine(_root, "kept", "class-1");
        Assert.That(result.Destination, Is.EqualTo(kept));
        Assert.That(result.Copied, Is.EqualTo(3));
        Assert.That(result.NotCopied, Is.Empty);
        Assert.That(File.ReadAllBytes(Path.Combine(kept, "seg_00000.ts")), Has.Length.EqualTo(1880));
        Assert.That(File.ReadAllText(Path.Combine(kept, "logs", "encoder.log")), Is.EqualTo("log\n"));
    }

    [Test]
    public async Task Only_the_recording_its_playlist_journal_and_logs_go_to_kept_never_a_core_dump_or_a_stray_file()
    {
        var copy = CopyWithMounts(Path.Combine(_root, "recordings"));
        var session = Path.Combine(_root, "recordings", "class-1");
        File.WriteAllText(Path.Combine(session, "upload.journal"), "stored seg_00000.ts\n");
        var secret = Path.Combine(_root, "secret");
        File.WriteAllText(secret, "camera password");
        // What a crash or a neighbour can leave in the folder: FFmpeg's working directory is the session folder.
        foreach (var stray in new[] { "core", "core.4242", "status.json", "camera.json", "class-started", "index.m3u8.tmp", "seg_00001.ts.tmp", "notes.txt", "logs/core", "logs/notes.txt", "sub/seg_00002.ts" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(session, stray))!);
            File.WriteAllText(Path.Combine(session, stray), "not the recording");
        }

        File.CreateSymbolicLink(Path.Combine(session, "seg_00003.ts"), secret);
        File.CreateSymbolicLink(Path.Combine(session, "logs", "secret.log"), secret);

        var result = await copy.CopyAsync(CancellationToken.None);

        var kept = Path.Combine(_root, "kept", "class-1");
        var copied = Directory.EnumerateFiles(kept, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(kept, f)).Order(StringComparer.Ordinal);
        Assert.That(copied, Is.EqualTo(new[] { "index.m3u8", "logs/encoder.log", "seg_00000.ts", "upload.journal" }));
        Assert.That(result.Copied, Is.EqualTo(4));
        Assert.That(result.NotCopied, Is.Empty, "what is not the recording is left out, not reported as lost");
    }

    [Test]
    public async Task A_recording_on_the_root_volume_is_left_where_it_is()
    {
        var copy = CopyWithMounts("/mnt/other");

        var result = await copy.CopyAsync(CancellationToken.None);

        Assert.That(result, Is.EqualTo(RootVolumeCopyResult.AlreadyThere));
        Assert.That(Directory.Exists(Path.Combine(_root, "kept")), Is.False);
    }
}
