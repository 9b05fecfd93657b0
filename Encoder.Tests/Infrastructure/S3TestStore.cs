using Amazon.S3;
using Amazon.S3.Model;

namespace Encoder.Tests.Infrastructure;

/// <summary>An S3 server a test starts (moto, radosgw): what the test reads and makes there, as its admin.</summary>
internal interface IS3TestStore
{
    IAmazonS3 AdminClient();
}

internal static class S3TestStoreExtensions
{
    public static async Task<string> CreateBucketAsync(this IS3TestStore store, string name)
    {
        using var s3 = store.AdminClient();
        await s3.PutBucketAsync(name);
        return name;
    }

    public static async Task<List<S3Object>> ListAsync(this IS3TestStore store, string bucket, string prefix = "")
    {
        using var s3 = store.AdminClient();
        var objects = new List<S3Object>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix, ContinuationToken = token });
            objects.AddRange(page.S3Objects ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        return objects;
    }

    public static async Task<byte[]> GetAsync(this IS3TestStore store, string bucket, string key)
    {
        using var s3 = store.AdminClient();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
