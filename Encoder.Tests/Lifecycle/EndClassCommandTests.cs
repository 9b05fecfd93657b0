using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Recording;

namespace Encoder.Tests.Lifecycle;

public sealed class EndClassCommandTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 30, 0, TimeSpan.Zero);
    private string _work = "";

    [SetUp]
    public void CreateWork() => _work = Directory.CreateTempSubdirectory("encoder-endclass-").FullName;

    [TearDown]
    public void DeleteWork() => Directory.Delete(_work, recursive: true);

    private EncoderOptions Options() => new() { SessionId = "yoga-1800", Recording = { Directory = _work } };

    [Test]
    public void Ending_a_class_leaves_the_marker_beside_its_recording_and_says_what_happens_next()
    {
        var layout = new RecordingLayout(Options());
        Directory.CreateDirectory(layout.SessionDirectory);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = EndClassCommand.Run(Options(), stdout, stderr, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));

        Assert.That(exit, Is.EqualTo(ExitCodes.Clean), stderr.ToString());
        Assert.That(ClassEndMarkers.ClassEnded(layout), Is.True);
        Assert.That(File.ReadAllText(ClassEndMarkers.ClassEndedPath(layout)), Is.EqualTo("2026-11-23T18:30:00.0000000+00:00\n"));
        Assert.That(stdout.ToString(), Does.StartWith("Class yoga-1800 ended").And.Contain("journalctl -u encoder -f"));
    }

    // `sudo encoder end-class` writes as root into a folder the daemon's user owns: a link planted there must not make
    // root create or truncate the file it points to.
    [Test]
    public void A_link_planted_in_the_marker_s_place_is_refused_and_the_file_it_points_to_is_untouched()
    {
        var layout = new RecordingLayout(Options());
        Directory.CreateDirectory(layout.SessionDirectory);
        var target = Target("sudoers");
        File.CreateSymbolicLink(ClassEndMarkers.ClassEndedPath(layout), target.FullName);

        var (exit, _, stderr) = EndClass();

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr, Does.Contain("link"));
        AssertUntouched(target);
    }

    [Test]
    public void A_dangling_link_in_the_marker_s_place_creates_nothing_where_it_points()
    {
        var layout = new RecordingLayout(Options());
        Directory.CreateDirectory(layout.SessionDirectory);
        var nowhere = Path.Combine(_work, "etc-nologin");
        File.CreateSymbolicLink(ClassEndMarkers.ClassEndedPath(layout), nowhere);

        var (exit, _, _) = EndClass();

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(File.Exists(nowhere), Is.False);
    }

    [Test]
    public void A_session_folder_swapped_for_a_link_is_refused_and_nothing_is_written_where_it_points()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_work, "etc-cron.d")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_work, "yoga-1800"), elsewhere);

        var (exit, _, stderr) = EndClass();

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(stderr, Does.Contain("link"));
        Assert.That(Directory.EnumerateFileSystemEntries(elsewhere), Is.Empty);
    }

    [Test]
    public void A_link_higher_up_the_path_is_refused_too()
    {
        var real = Directory.CreateDirectory(Path.Combine(_work, "real")).FullName;
        Directory.CreateDirectory(Path.Combine(real, "yoga-1800"));
        Directory.CreateSymbolicLink(Path.Combine(_work, "recordings"), real);
        var options = new EncoderOptions { SessionId = "yoga-1800", Recording = { Directory = Path.Combine(_work, "recordings") } };
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = EndClassCommand.Run(options, stdout, stderr, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));

        Assert.That(exit, Is.EqualTo(ExitCodes.Failure));
        Assert.That(File.Exists(Path.Combine(real, "yoga-1800", ClassEndMarkers.ClassEndedFileName)), Is.False);
    }

    [Test]
    public void Ending_a_class_twice_keeps_the_first_marker_as_it_was()
    {
        var layout = new RecordingLayout(Options());
        Directory.CreateDirectory(layout.SessionDirectory);
        EndClass();

        var (exit, stdout, stderr) = EndClass(Now.AddMinutes(5));

        Assert.That(exit, Is.EqualTo(ExitCodes.Clean), stderr);
        Assert.That(stdout, Does.StartWith("Class yoga-1800 ended"));
        Assert.That(File.ReadAllText(ClassEndMarkers.ClassEndedPath(layout)), Is.EqualTo("2026-11-23T18:30:00.0000000+00:00\n"));
    }

    private (int Exit, string Stdout, string Stderr) EndClass(DateTimeOffset? at = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = EndClassCommand.Run(Options(), stdout, stderr, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(at ?? Now));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A file root must not write, with known content and an old modification time.</summary>
    private FileInfo Target(string name)
    {
        var target = new FileInfo(Path.Combine(Directory.CreateDirectory(Path.Combine(_work, "outside")).FullName, name));
        File.WriteAllText(target.FullName, "root ALL=(ALL) ALL\n");
        File.SetLastWriteTimeUtc(target.FullName, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        target.Refresh();
        return target;
    }

    /// <summary>Compared with the time read back before the run (faketime shifts what stat says, not what it stores).</summary>
    private static void AssertUntouched(FileInfo target)
    {
        var now = new FileInfo(target.FullName);
        Assert.That(File.ReadAllText(now.FullName), Is.EqualTo("root ALL=(ALL) ALL\n"));
        Assert.That(now.LastWriteTimeUtc, Is.EqualTo(target.LastWriteTimeUtc));
    }

    [Test]
    public void Without_a_recording_of_the_session_there_is_nothing_to_end_and_no_folder_is_created()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = EndClassCommand.Run(Options(), stdout, stderr, TimeProvider.System);

        Assert.That(exit, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(stderr.ToString(), Does.Contain("no recording of session yoga-1800 on this machine"));
        Assert.That(Directory.Exists(Path.Combine(_work, "yoga-1800")), Is.False, "a folder made by root would lock the daemon out");
    }
}
