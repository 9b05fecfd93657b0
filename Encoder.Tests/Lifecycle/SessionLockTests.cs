using System.Diagnostics;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;

namespace Encoder.Tests.Lifecycle;

public sealed class SessionLockTests
{
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-lock-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    /// <summary>
    /// The PID written in a held lock file, as a refused start reads it (.NET's own file APIs cannot read it meanwhile:
    /// each open takes a shared flock of its own, which the holder's exclusive one refuses).
    /// </summary>
    private static int? PidIn(string path) => SessionLock.TryAcquire(path, 1).HolderPid;

    private RecordingLayout Layout => new(new EncoderOptions { SessionId = "yoga-1800", Recording = { Directory = Path.Combine(_work, "recordings") } });

    [Test]
    public void The_lock_lies_beside_the_session_s_folder_and_taking_it_creates_no_session_folder()
    {
        var path = SessionLock.PathFor(Layout);

        using var held = SessionLock.TryAcquire(path, 4242).Lock;

        Assert.That(path, Is.EqualTo(Path.Combine(_work, "recordings", "yoga-1800.lock")));
        Assert.That(held, Is.Not.Null);
        Assert.That(Directory.Exists(Layout.SessionDirectory), Is.False, "the folder says a recording is on this machine (late restart, end-class)");
        Assert.That(PidIn(path), Is.EqualTo(4242));
    }

    [Test]
    public void A_second_start_is_refused_naming_the_holder_s_pid_and_changes_nothing()
    {
        var path = SessionLock.PathFor(Layout);
        using var held = SessionLock.TryAcquire(path, 4242).Lock;
        var before = (File.GetLastWriteTimeUtc(path), new FileInfo(path).Length);

        var second = SessionLock.TryAcquire(path, 99);

        Assert.That((second.Lock, second.Held, second.HolderPid, second.Problem), Is.EqualTo(((SessionLock?)null, true, (int?)4242, (string?)null)));
        Assert.That((File.GetLastWriteTimeUtc(path), new FileInfo(path).Length), Is.EqualTo(before));
        Assert.That(PidIn(path), Is.EqualTo(4242));
        Assert.That(second.Describe("yoga-1800"), Does.StartWith($"session yoga-1800 is already being recorded by PID 4242 ({path} is locked): this start changed nothing."));
    }

    [Test]
    public void Once_the_holder_ends_the_next_start_takes_the_lock_and_names_itself()
    {
        var path = SessionLock.PathFor(Layout);
        SessionLock.TryAcquire(path, 4242).Lock!.Dispose();

        using var next = SessionLock.TryAcquire(path, 77).Lock;

        Assert.That(next, Is.Not.Null);
        Assert.That(PidIn(path), Is.EqualTo(77));
    }

    [Test]
    public void FFmpeg_and_every_other_child_never_inherit_the_lock()
    {
        var path = SessionLock.PathFor(Layout);
        using var held = SessionLock.TryAcquire(path, Environment.ProcessId).Lock;

        using var child = Process.Start(new ProcessStartInfo("ls", ["-l", "/proc/self/fd"]) { RedirectStandardOutput = true })!;
        var descriptors = child.StandardOutput.ReadToEnd();
        child.WaitForExit();

        Assert.That(descriptors, Does.Contain("/proc/").And.Not.Contain(path), "O_CLOEXEC");
    }

    [Test]
    public void A_symlink_in_the_lock_s_place_is_not_followed()
    {
        var path = SessionLock.PathFor(Layout);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var target = Path.Combine(_work, "precious");
        File.WriteAllText(target, "keep me\n");
        File.CreateSymbolicLink(path, target);

        var attempt = SessionLock.TryAcquire(path, 4242);

        Assert.That((attempt.Lock, attempt.Held), Is.EqualTo(((SessionLock?)null, false)));
        Assert.That(attempt.Problem, Is.Not.Empty);
        Assert.That(File.ReadAllText(target), Is.EqualTo("keep me\n"));
    }
}
