using Encoder.Configuration;

namespace Encoder.Tests.Configuration;

public sealed class EnvironmentChecksTests
{
    [Test]
    public void An_ffmpeg_that_is_not_installed_is_a_configuration_error_naming_the_key()
    {
        var errors = EnvironmentChecks.Validate(new EncoderOptions { Ffmpeg = new FfmpegOptions { Path = "/opt/nowhere/ffmpeg" } });

        Assert.That(errors, Is.EqualTo(new[] { "Encoder:Ffmpeg:Path: '/opt/nowhere/ffmpeg' was not found (neither a file nor on PATH; install ffmpeg)" }));
    }

    [Test]
    public void Ffmpeg_is_found_on_PATH() =>
        Assert.That(EnvironmentChecks.FindExecutable("ffmpeg"), Does.EndWith("/ffmpeg"));
}
