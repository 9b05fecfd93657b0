using System.Text.Json;
using Amazon.SimpleSystemsManagement;
using Encoder.Launch;
using static Encoder.Tests.Launch.LaunchSamples;

namespace Encoder.Tests.Launch;

public sealed class ClassSecretsTests
{
    [Test]
    public void Each_secret_goes_to_a_securestring_under_the_class_s_path_expiring_at_the_hard_stop()
    {
        var request = LaunchArguments.Parse(Args("--hard-limit", "00:45:00"), Now).Request!;

        var puts = request.Secrets.Select(s => ClassSecrets.PutRequest(s, request.SessionId, request.HardStopAt)).ToList();

        Assert.That(puts.Select(p => p.Name), Is.EqualTo(new[] { "/encoder/yoga-2026-11-23-1800/camera-url", "/encoder/yoga-2026-11-23-1800/ingest-primary" }));
        Assert.That(puts.Select(p => (p.Type, p.Tier, p.Overwrite)), Is.All.EqualTo((ParameterType.SecureString, ParameterTier.Advanced, (bool?)true)));
        Assert.That(puts[0].Value, Does.Contain(CameraPassword));
        using var policy = JsonDocument.Parse(puts[0].Policies);
        var expiration = policy.RootElement.EnumerateArray().Single();
        Assert.That(expiration.GetProperty("Type").GetString(), Is.EqualTo("Expiration"));
        Assert.That(expiration.GetProperty("Attributes").GetProperty("Timestamp").GetString(), Is.EqualTo("2026-11-23T19:45:00.000Z"));
        Assert.That(puts.Select(p => p.Tags), Is.All.Null.Or.Empty, "SSM refuses tags with Overwrite");
    }

    [Test]
    public void The_settings_hold_the_reference_and_the_secret_the_value()
    {
        var request = LaunchArguments.Parse(Args(), Now).Request!;

        Assert.That(request.ClassSettings["Encoder:Camera:Url"], Is.EqualTo("ssm:/encoder/yoga-2026-11-23-1800/camera-url"));
        Assert.That(request.Secrets.Select(s => (s.ConfigKey, s.Reference)), Is.EqualTo(new[]
        {
            ("Encoder:Camera:Url", "ssm:/encoder/yoga-2026-11-23-1800/camera-url"),
            ("Encoder:Ingest:Primary", "ssm:/encoder/yoga-2026-11-23-1800/ingest-primary"),
        }));
    }

    [Test]
    public void Secrets_are_checked_by_the_daemon_s_rules_whatever_their_source()
    {
        var args = ArgsWithout("--camera-url");
        var inputs = new SecretInputs(name => name == "ENCODER_CAMERA_URL" ? "http://cam/s" : null, _ => throw new IOException());

        var parse = LaunchArguments.Parse(args, Now, inputs);

        Assert.That(parse.Errors, Is.EqualTo(new[] { "--camera-url: must be an rtsp:// or rtsps:// URL (got http://)" }));
    }

    [Test]
    public void An_unreadable_secrets_file_is_one_line_naming_the_option()
    {
        var parse = LaunchArguments.Parse(Args("--secrets-file", "/nonexistent/secrets"), Now, SecretInputs.Process(TextReader.Null));

        Assert.That(parse.Errors, Is.EqualTo(new[] { "--secrets-file: cannot be read (DirectoryNotFoundException)" }));
    }
}
