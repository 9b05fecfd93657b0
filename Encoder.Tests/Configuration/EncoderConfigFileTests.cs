using Encoder.Configuration;
using Microsoft.Extensions.Configuration;

namespace Encoder.Tests.Configuration;

public sealed class EncoderConfigFileTests
{
    [Test]
    public void The_class_file_is_read_but_environment_and_command_line_still_override_it()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, """{ "Encoder": { "SessionId": "from-file", "Recording": { "SegmentSeconds": 4 } } }""");
            var configuration = new ConfigurationManager();
            configuration.AddJsonFile(Path.Combine(Path.GetTempPath(), "absent-appsettings.json"), optional: true);
            configuration.AddCommandLine(["--Encoder:SessionId=from-command-line"]);

            Assert.That(EncoderConfigFile.Add(configuration, file), Is.Null);

            Assert.That(configuration["Encoder:SessionId"], Is.EqualTo("from-command-line"));
            Assert.That(configuration["Encoder:Recording:SegmentSeconds"], Is.EqualTo("4"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void A_named_file_that_does_not_exist_is_a_configuration_error()
    {
        var error = EncoderConfigFile.Add(new ConfigurationManager(), "/nonexistent/encoder.json");

        Assert.That(error, Is.EqualTo("ENCODER_CONFIG: the file /nonexistent/encoder.json does not exist"));
    }
}
