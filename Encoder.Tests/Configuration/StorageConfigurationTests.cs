using Encoder.Configuration;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

public sealed class StorageConfigurationTests
{
    private static Dictionary<string, string?> S3() => new(Valid())
    {
        ["Encoder:Storage:Kind"] = "s3",
        ["Encoder:Storage:Bucket"] = "studio-recordings",
    };

    [Test]
    public void An_s3_class_needs_only_a_bucket_and_takes_the_documented_defaults()
    {
        var result = EncoderConfiguration.Load(Build(S3()), Now);

        Assert.That(result.Errors, Is.Empty);
        var storage = result.Options.Storage;
        Assert.That(new object?[] { storage.Kind, storage.Bucket, storage.Prefix, storage.Region, storage.ServiceUrl, storage.RequestChecksumCalculation, storage.RequestTimeoutSeconds, storage.DeletesLocalAfterUpload(), result.Options.Recording.LowDiskWarningPercent },
            Is.EqualTo(new object?[] { StorageKind.S3, "studio-recordings", "recordings/", null, null, null, 30, true, 15.0 }));
    }

    // Kind, DeleteLocalAfterUpload as set (null: not set) → whether a stored segment's local copy is deleted
    [TestCase("s3", null, true)]
    [TestCase("local", null, false)]
    [TestCase("s3", "false", false)]
    [TestCase("local", "true", true)]
    public void Stored_segments_leave_the_disk_by_default_with_s3_only(string kind, string? set, bool deletes)
    {
        var values = S3();
        values["Encoder:Storage:Kind"] = kind;
        if (set is not null)
            values["Encoder:Storage:DeleteLocalAfterUpload"] = set;

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Options.Storage.DeletesLocalAfterUpload(), Is.EqualTo(deletes));
    }

    [Test]
    public void The_storage_keys_bind_to_the_options()
    {
        var values = S3();
        values["Encoder:Storage:Prefix"] = "vod/2026/";
        values["Encoder:Storage:Region"] = "eu-west-1";
        values["Encoder:Storage:ServiceUrl"] = "http://rgw.local:7480";
        values["Encoder:Storage:RequestChecksumCalculation"] = "WhenRequired";
        values["Encoder:Storage:RequestTimeoutSeconds"] = "12";
        values["Encoder:Storage:DeleteLocalAfterUpload"] = "true";
        values["Encoder:Recording:LowDiskWarningPercent"] = "25";

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.Empty);
        var storage = result.Options.Storage;
        Assert.That(new object?[] { storage.Prefix, storage.Region, storage.ServiceUrl, storage.RequestChecksumCalculation, storage.RequestTimeoutSeconds, storage.DeleteLocalAfterUpload, result.Options.Recording.LowDiskWarningPercent },
            Is.EqualTo(new object?[] { "vod/2026/", "eu-west-1", "http://rgw.local:7480", ChecksumCalculation.WhenRequired, 12, true, 25.0 }));
    }

    [TestCase("Encoder:Storage:Bucket", null, "Encoder:Storage:Bucket: is required when Encoder:Storage:Kind is s3")]
    [TestCase("Encoder:Storage:Bucket", "Studio_Recordings", "Encoder:Storage:Bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit")]
    [TestCase("Encoder:Storage:Bucket", "s3://studio-recordings", "Encoder:Storage:Bucket: must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit")]
    [TestCase("Encoder:Storage:Prefix", "/recordings/", "Encoder:Storage:Prefix: must be a relative key prefix such as recordings/ (no leading '/', no '//', no '.' or '..' parts)")]
    [TestCase("Encoder:Storage:Prefix", "a/../b/", "Encoder:Storage:Prefix: must be a relative key prefix such as recordings/ (no leading '/', no '//', no '.' or '..' parts)")]
    [TestCase("Encoder:Storage:Region", "Ireland", "Encoder:Storage:Region: must be an AWS region name such as eu-west-1")]
    [TestCase("Encoder:Storage:ServiceUrl", "rgw.local:7480", "Encoder:Storage:ServiceUrl: must be an http:// or https:// URL without credentials (e.g. http://rgw.local:7480)")]
    [TestCase("Encoder:Storage:ServiceUrl", "http://key:secret@rgw.local:7480", "Encoder:Storage:ServiceUrl: must be an http:// or https:// URL without credentials (e.g. http://rgw.local:7480)")]
    [TestCase("Encoder:Storage:RequestChecksumCalculation", "Never", "Encoder:Storage:RequestChecksumCalculation: cannot be read as one of WhenSupported, WhenRequired (got 'Never')")]
    [TestCase("Encoder:Storage:RequestTimeoutSeconds", "0", "Encoder:Storage:RequestTimeoutSeconds: must be between 1 and 600")]
    [TestCase("Encoder:Storage:DeleteLocalAfterUpload", "yes", "Encoder:Storage:DeleteLocalAfterUpload: cannot be read as true or false (got 'yes')")]
    [TestCase("Encoder:Recording:LowDiskWarningPercent", "95", "Encoder:Recording:LowDiskWarningPercent: must be between 1 and 90")]
    [TestCase("Encoder:Storage:Bucket", "studio-recordings", null)]
    [TestCase("Encoder:Storage:Prefix", "", null)]
    public void Bad_storage_settings_fail_with_one_line_naming_the_key(string key, string? value, string? expected)
    {
        var values = S3();
        values[key] = value;

        var result = EncoderConfiguration.Load(Build(values), Now);

        Assert.That(result.Errors, Is.EqualTo(expected is null ? Array.Empty<string>() : new[] { expected }));
    }

    [Test]
    public void A_local_class_ignores_the_bucket_settings()
    {
        var values = new Dictionary<string, string?>(Valid()) { ["Encoder:Storage:Region"] = "Ireland" };

        Assert.That(EncoderConfiguration.Load(Build(values), Now).Errors, Is.Empty);
    }
}
