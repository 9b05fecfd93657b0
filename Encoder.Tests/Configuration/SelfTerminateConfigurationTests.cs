using Encoder.Configuration;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

public sealed class SelfTerminateConfigurationTests
{
    [Test]
    public void Self_termination_is_off_by_default_and_never_terminates_with_pending_uploads_unless_told()
    {
        var options = EncoderConfiguration.Load(Build(Valid()), Now).Options;

        Assert.That(options.SelfTerminate, Is.EqualTo(new SelfTerminateOptions
        {
            Enabled = false, DryRun = false, WithPendingUploads = false, ShutdownFallback = false, TimeoutSeconds = 30, MetadataEndpoint = null,
        }));
        Assert.That(options.Session.StartsAt, Is.Null);
    }

    [TestCase("local", "false", "Encoder:SelfTerminate:Enabled: needs Encoder:Storage:Kind=s3: with local storage the recording's only copy is on the machine that would be terminated (Encoder:SelfTerminate:DryRun=true tries it safely)")]
    [TestCase("local", "true", null)]
    [TestCase("s3", "false", null)]
    public void Self_termination_refuses_to_destroy_a_recording_stored_only_on_this_machine(string storage, string dryRun, string? expected)
    {
        var values = Valid();
        values["Encoder:SelfTerminate:Enabled"] = "true";
        values["Encoder:SelfTerminate:DryRun"] = dryRun;
        values["Encoder:Storage:Kind"] = storage;
        if (storage == "s3")
            values["Encoder:Storage:Bucket"] = "studio-recordings";

        var errors = EncoderConfiguration.Load(Build(values), Now).Errors;

        Assert.That(errors, expected is null ? Is.Empty : Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void The_session_start_and_every_self_termination_key_bind()
    {
        var values = Valid();
        values["Encoder:Session:StartsAt"] = "2026-11-23T18:05:00Z";
        values["Encoder:SelfTerminate:Enabled"] = "true";
        values["Encoder:SelfTerminate:DryRun"] = "true";
        values["Encoder:SelfTerminate:WithPendingUploads"] = "true";
        values["Encoder:SelfTerminate:ShutdownFallback"] = "true";
        values["Encoder:SelfTerminate:TimeoutSeconds"] = "45";
        values["Encoder:SelfTerminate:MetadataEndpoint"] = "http://127.0.0.1:1338";

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options.Session.StartsAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 18, 5, 0, TimeSpan.Zero)));
        Assert.That(result.Options.SelfTerminate, Is.EqualTo(new SelfTerminateOptions
        {
            Enabled = true, DryRun = true, WithPendingUploads = true, ShutdownFallback = true, TimeoutSeconds = 45, MetadataEndpoint = "http://127.0.0.1:1338",
        }));
    }

    private static IEnumerable<TestCaseData> BadSettings()
    {
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:Session:StartsAt"] = "2026-11-23T19:00:00Z", ["Encoder:Session:EndsAt"] = "2026-11-23T19:00:00Z" },
            "Encoder:Session:StartsAt: must be before Encoder:Session:EndsAt (2026-11-23T19:00:00.0000000+00:00 is not before 2026-11-23T19:00:00.0000000+00:00)")
            .SetName("A start at or after the end is an error naming StartsAt");
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:Session:StartsAt"] = "at nine" },
            "Encoder:Session:StartsAt: cannot be read as an ISO-8601 instant (e.g. 2026-11-23T18:00:00Z) (got 'at nine')")
            .SetName("An unreadable start names StartsAt");
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:SelfTerminate:Enabled"] = "yes please" },
            "Encoder:SelfTerminate:Enabled: cannot be read as true or false (got 'yes please')")
            .SetName("An unreadable switch names its key");
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:SelfTerminate:TimeoutSeconds"] = "2" },
            "Encoder:SelfTerminate:TimeoutSeconds: must be between 5 and 300")
            .SetName("A termination budget too short to reach EC2 is an error");
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:SelfTerminate:MetadataEndpoint"] = "https://169.254.169.254" },
            "Encoder:SelfTerminate:MetadataEndpoint: must be an http:// URL (e.g. http://169.254.169.254)")
            .SetName("The metadata endpoint must be plain http");
        yield return new TestCaseData(new Dictionary<string, string?>
            {
                ["Encoder:SelfTerminate:Enabled"] = "true", ["Encoder:ShutdownTimeout"] = "00:00:40",
                ["Encoder:Storage:Kind"] = "s3", ["Encoder:Storage:Bucket"] = "studio-recordings",
            },
            "Encoder:ShutdownTimeout: must be at least 50s (Encoder:Ffmpeg:StopTimeoutSeconds plus 10s to interrupt and kill FFmpeg, drain the uploads and exit, plus Encoder:SelfTerminate:TimeoutSeconds)")
            .SetName("The stop budget must hold the termination step when it is enabled");
        yield return new TestCaseData(new Dictionary<string, string?> { ["Encoder:SelfTerminat:Enabled"] = "true" },
            "Encoder:SelfTerminat:Enabled: is not a known key (did you mean Encoder:SelfTerminate:Enabled?)")
            .SetName("A typo in a self termination key is caught");
    }

    [TestCaseSource(nameof(BadSettings))]
    public void Bad_session_and_self_termination_settings_fail_with_one_line_naming_the_key(Dictionary<string, string?> settings, string expected)
    {
        var values = Valid();
        foreach (var (key, value) in settings)
            values[key] = value;

        Assert.That(EncoderConfiguration.Load(Build(values), Now).Errors, Is.EqualTo(new[] { expected }));
    }
}
