using Amazon.Runtime;
using Amazon.S3;
using Encoder.Configuration;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>The S3 client's settings: only an Encoder key overrides the AWS SDK's standard ones, and one retry model.</summary>
public sealed class S3StoreFactoryTests
{
    [Test]
    public void Without_the_encoder_key_the_sdk_s_own_checksum_settings_stand()
    {
        var sdk = new AmazonS3Config();

        var config = S3StoreFactory.Config(new StorageOptions { Kind = StorageKind.S3, Bucket = "b" });

        Assert.That((config.RequestChecksumCalculation, config.ResponseChecksumValidation),
            Is.EqualTo((sdk.RequestChecksumCalculation, sdk.ResponseChecksumValidation)));
    }

    [TestCase(ChecksumCalculation.WhenRequired, "WHEN_REQUIRED")]
    [TestCase(ChecksumCalculation.WhenSupported, "WHEN_SUPPORTED")]
    public void The_encoder_key_sets_both_checksum_settings(ChecksumCalculation key, string expected)
    {
        var config = S3StoreFactory.Config(new StorageOptions { Kind = StorageKind.S3, Bucket = "b", RequestChecksumCalculation = key });

        Assert.That((config.RequestChecksumCalculation.ToString(), config.ResponseChecksumValidation.ToString()), Is.EqualTo((expected, expected)));
    }

    [Test]
    public void The_sdk_does_not_retry_on_its_own_the_upload_pipeline_does() =>
        Assert.That(S3StoreFactory.Config(new StorageOptions { Kind = StorageKind.S3, Bucket = "b" }).MaxErrorRetry, Is.Zero);
}
