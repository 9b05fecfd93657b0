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
