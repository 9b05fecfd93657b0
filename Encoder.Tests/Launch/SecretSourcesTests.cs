using Encoder.Launch;

namespace Encoder.Tests.Launch;

public sealed class SecretSourcesTests
{
    // command line, secrets file (or stdin), environment → the value taken and from where
    [TestCase("argv", "file", "env", "argv", SecretSource.CommandLine)]
    [TestCase("argv", null, null, "argv", SecretSource.CommandLine)]
    [TestCase(null, "file", "env", "file", SecretSource.File)]
    [TestCase(null, "file", null, "file", SecretSource.File)]
    [TestCase(null, null, "env", "env", SecretSource.Environment)]
    [TestCase(null, null, "", null, null)]
    [TestCase(null, null, null, null, null)]
    public void The_command_line_wins_then_the_file_then_the_environment(string? argv, string? file, string? env, string? value, SecretSource? source)
    {
        var choice = SecretSources.Choose(argv, file, env);

        Assert.That((choice?.Value, choice?.Source), Is.EqualTo((value, source)));
    }

    [TestCase(SecretSource.CommandLine, true)]
    [TestCase(SecretSource.File, false)]
    [TestCase(SecretSource.Environment, false)]
    public void Only_a_secret_on_the_command_line_is_warned_about_by_its_option_never_its_value(SecretSource source, bool warned)
    {
        var warning = SecretSources.Warning(LaunchSecret.All[0], new SecretChoice("rtsp://u:hunter2@cam/s", source));

        Assert.That(warning is not null, Is.EqualTo(warned));
        if (warning is not null)
            Assert.That(warning, Does.StartWith("WARN: --camera-url on the command line").And.Contain("ENCODER_CAMERA_URL").And.Not.Contain("hunter2"));
    }

    [Test]
    public void A_secrets_file_is_name_equals_value_lines_with_comments_and_blank_lines_skipped()
    {
        var (values, errors) = SecretSources.ParseFile("# class secrets\r\n\ncamera-url=rtsp://u:p=w@cam/s?a=b\r\n  ingest-primary=rtmp://i/app/key\n");

        Assert.That(errors, Is.Empty);
        Assert.That(values, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["camera-url"] = "rtsp://u:p=w@cam/s?a=b",
            ["ingest-primary"] = "rtmp://i/app/key",
        }));
    }

    // a bad line → the problem, naming the line, never its text
    [TestCase("rtsp://u:secret@cam/s", "--secrets-file: line 1: expected name=value")]
    [TestCase("camera=rtsp://u:secret@cam/s", "--secrets-file: line 1: unknown name (expected camera-url, ingest-primary, ingest-secondary)")]
    [TestCase("camera-url=a\ncamera-url=secret", "--secrets-file: line 2: camera-url given more than once")]
    public void A_bad_line_in_a_secrets_file_is_named_by_its_number(string text, string error)
    {
        var (_, errors) = SecretSources.ParseFile(text);

        Assert.That(errors, Is.EqualTo(new[] { error }));
    }
}
