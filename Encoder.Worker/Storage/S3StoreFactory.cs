using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Encoder.Configuration;

namespace Encoder.Storage;

/// <summary>The S3 client for the configured bucket: the class's credentials, else the default AWS chain (never logged), path-style for a <c>ServiceUrl</c>.</summary>
public static class S3StoreFactory
{
    /// <param name="credentials">The class's (<c>Aws/ClassCredentials</c>); null: the default AWS chain.</param>
    public static AmazonS3Client Client(StorageOptions storage, AWSCredentials? credentials) =>
        credentials is null ? new AmazonS3Client(Config(storage)) : new AmazonS3Client(credentials, Config(storage));

    public static AmazonS3Config Config(StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var config = new AmazonS3Config
        {
            // One retry model per client: Polly's (UploadResilience). The SDK's own would multiply its attempts and hide the
            // per-request timeout, so they are off whatever AWS_MAX_ATTEMPTS says.
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(storage.RequestTimeoutSeconds + 1),
        };

        // Only an Encoder key overrides the SDK's standard checksum settings (environment, shared config file).
        if (storage.RequestChecksumCalculation is { } checksum)
        {
            var whenRequired = checksum == ChecksumCalculation.WhenRequired;
            config.RequestChecksumCalculation = whenRequired ? RequestChecksumCalculation.WHEN_REQUIRED : RequestChecksumCalculation.WHEN_SUPPORTED;
            config.ResponseChecksumValidation = whenRequired ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED;
        }

        if (!string.IsNullOrEmpty(storage.ServiceUrl))
        {
            config.ServiceURL = storage.ServiceUrl;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = string.IsNullOrEmpty(storage.Region) ? "us-east-1" : storage.Region;
        }
        else if (!string.IsNullOrEmpty(storage.Region))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(storage.Region);
        }

        return config;
    }
}
