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

    // file content → the error, after "{file}: "
    [TestCase("{\n  \"Encoder\": {\n    \"SessionId\": \"a\",\n    \"Camera\": { \"Url\": \"rtsp://u:secret@cam/1\" }\n    \"Ingest\": {}\n  }\n}", "line 5, column 5: is not valid JSON")]
    [TestCase("{ \"Encoder\": { \"SessionId\": \"a\", } ", "line 1, column 36: is not valid JSON")]
    [TestCase("", "line 1, column 1: is not valid JSON")]
    [TestCase("{ \"Encoder\": { \"SessionId\": \"a\", \"SessionId\": \"b\" } }", "A duplicate key 'Encoder:SessionId' was found.")]
    public void A_malformed_file_is_a_configuration_error_naming_the_file_and_the_line_and_never_quoting_it(string content, string expected)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);

            var error = EncoderConfigFile.Add(new ConfigurationManager(), file);

            Assert.That(error, Is.EqualTo($"{file}: {expected}"));
            Assert.That(error, Does.Not.Contain("secret"));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
