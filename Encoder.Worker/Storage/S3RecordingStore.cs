using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Polly;

namespace Encoder.Storage;

/// <summary>
/// Stores into an S3 bucket under <c>{Prefix}</c>. Every put is verified: S3 checks the Content-MD5 the daemon sends
/// and rejects a body that arrived damaged, and the ETag it returns is compared with the local MD5 (when the bucket's
/// encryption keeps ETags as MD5s). Files above <see cref="MultipartThreshold"/> go up in parts, each part checked the
/// same way; an upload that fails half-way is aborted, so no orphaned parts stay behind (and <see cref="RecoverAsync"/>
/// aborts those a killed daemon left). An object that is never replaced (<see cref="ObjectHeaders.NeverReplaced"/>, a segment)
/// is put with <c>If-None-Match: *</c> (on the PUT, or on the multipart upload's completion): S3 answers 412 where an object
/// is, and nothing is written (<see cref="StorageUnavailableException.Exists"/>).
/// </summary>
public sealed class S3RecordingStore(
    IAmazonS3 s3,
    string bucket,
    string? prefix,
    ResiliencePipeline pipeline,
    ILogger<S3RecordingStore> logger,
    long multipartThreshold = S3RecordingStore.DefaultMultipartThreshold,
    int partSize = S3RecordingStore.DefaultPartSize) : IRecordingStore, IStoreContents, IPartStore
{
    public const long DefaultMultipartThreshold = 16L * 1024 * 1024;
    public const int DefaultPartSize = 8 * 1024 * 1024;
    private static readonly TimeSpan AbortTimeout = TimeSpan.FromSeconds(10);

    public long MultipartThreshold => multipartThreshold;

    public string Describe(string key) => $"s3://{bucket}/{ObjectKey(key)}";

    private string ObjectKey(string key) => StorageKeys.ObjectKey(prefix, key);

    public async Task<string> PutFileAsync(string key, string localPath, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var file = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        await using (file.ConfigureAwait(false))
        {
            var length = file.Length; // a growing log is stored as it is now
            if (length > multipartThreshold)
                return await PutMultipartAsync(key, file, length, headers, cancellationToken).ConfigureAwait(false);
            var content = new byte[length];
            await file.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
            return await PutBytesAsync(key, content, headers, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<string> PutBytesAsync(string key, ReadOnlyMemory<byte> content, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var digest = ContentMd5.Of(content.Span);
        var md5 = Convert.ToHexStringLower(digest);
        return RunAsync(key, async token =>
        {
            var request = new PutObjectRequest
            {
                BucketName = bucket,
                Key = ObjectKey(key),
                InputStream = new MemoryStream(content.ToArray(), writable: false),
                ContentType = headers.ContentType,
                MD5Digest = Convert.ToBase64String(digest),
            };
            if (headers.NeverReplaced)
                request.IfNoneMatch = "*";
            if (headers.CacheControl is { } cacheControl)
                request.Headers.CacheControl = cacheControl;
            var response = await s3.PutObjectAsync(request, token).ConfigureAwait(false);
            Verify(key, response.ETag, md5, response.ServerSideEncryptionMethod);
            return md5;
        }, cancellationToken);
    }

    public Task<string?> StoredMd5Async(string key, CancellationToken cancellationToken) =>
        RunAsync<string?>(key, async token =>
        {
            try
            {
                var metadata = await s3.GetObjectMetadataAsync(bucket, ObjectKey(key), token).ConfigureAwait(false);
                var etag = metadata.ETag?.Trim('"');
                return etag is { Length: 32 } && !etag.Contains('-', StringComparison.Ordinal) ? etag.ToLowerInvariant() : null;
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
        }, cancellationToken);

    public Task<IReadOnlyList<StoredObject>> ListAsync(string keyPrefix, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StoredObject>>(keyPrefix, async token =>
        {
            var root = StorageKeys.NormalizePrefix(prefix);
            var objects = new List<StoredObject>();
            string? continuation = null;
            do
            {
                var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = ObjectKey(keyPrefix), ContinuationToken = continuation }, token)
                    .ConfigureAwait(false);
                foreach (var item in page.S3Objects ?? [])
                {
                    var etag = item.ETag?.Trim('"').ToLowerInvariant();
                    var md5 = etag is { Length: 32 } && !etag.Contains('-', StringComparison.Ordinal) ? etag : null;
                    objects.Add(new StoredObject(item.Key[root.Length..], md5, item.Size ?? 0, item.LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime()) : default));
                }

                continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (continuation is not null);
            return objects;
        }, cancellationToken);

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken) =>
        RunAsync<byte[]?>(key, async token =>
        {
            try
            {
                using var response = await s3.GetObjectAsync(bucket, ObjectKey(key), token).ConfigureAwait(false);
                using var content = new MemoryStream();
                await response.ResponseStream.CopyToAsync(content, token).ConfigureAwait(false);
                return content.ToArray();
            }
            catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound && ex.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
        }, cancellationToken);

    public Task<int> RecoverAsync(string keyPrefix, IReadOnlySet<string> keepUploads, CancellationToken cancellationToken) =>
        RunAsync(keyPrefix, async token =>
        {
            var listing = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = ObjectKey(keyPrefix) }, token)
                .ConfigureAwait(false);
            var aborted = 0;
            foreach (var upload in (listing.MultipartUploads ?? []).Where(u => !keepUploads.Contains(u.UploadId)))
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = upload.Key, UploadId = upload.UploadId }, token)
                    .ConfigureAwait(false);
                logger.LogWarning("Aborted an unfinished multipart upload of s3://{Bucket}/{Key} left by an earlier run", bucket, upload.Key);
                aborted++;
            }

            return aborted;
        }, cancellationToken);

    private async Task<string> PutMultipartAsync(string key, FileStream file, long length, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = ObjectKey(key), ContentType = headers.ContentType };
        if (headers.CacheControl is { } cacheControl)
            initiate.Headers.CacheControl = cacheControl;
        var uploadId = await RunAsync(key, async token => (await s3.InitiateMultipartUploadAsync(initiate, token).ConfigureAwait(false)).UploadId, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            using var whole = ContentMd5.Incremental();
            var digests = new List<byte[]>();
            var parts = new List<PartETag>();
            var buffer = new byte[partSize];
            for (long offset = 0; offset < length; offset += partSize)
            {
                var size = (int)Math.Min(partSize, length - offset);
                await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                var part = buffer.AsMemory(0, size).ToArray();
                whole.AppendData(part);
                var digest = ContentMd5.Of(part);
                var partNumber = parts.Count + 1;
                var etag = await RunAsync(key, async token =>
                {
                    var response = await s3.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = bucket, Key = ObjectKey(key), UploadId = uploadId, PartNumber = partNumber,
                        InputStream = new MemoryStream(part, writable: false), PartSize = size, MD5Digest = Convert.ToBase64String(digest),
                    }, token).ConfigureAwait(false);
                    return response.ETag;
                }, cancellationToken).ConfigureAwait(false);
                digests.Add(digest);
                parts.Add(new PartETag(partNumber, etag));
            }

            var expected = ContentMd5.MultipartETag(digests);
            await RunAsync(key, async token =>
            {
                var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = ObjectKey(key), UploadId = uploadId, PartETags = parts };
                if (headers.NeverReplaced)
                    complete.IfNoneMatch = "*";
                var response = await s3.CompleteMultipartUploadAsync(complete, token).ConfigureAwait(false);
                Verify(key, response.ETag, expected, response.ServerSideEncryptionMethod);
                return expected;
            }, cancellationToken).ConfigureAwait(false);
            return Convert.ToHexStringLower(whole.GetHashAndReset());
        }
        catch
        {
            await AbortAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        using var timeout = new CancellationTokenSource(AbortTimeout);
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = ObjectKey(key), UploadId = uploadId }, timeout.Token)
                .ConfigureAwait(false);
            logger.LogInformation("Aborted the interrupted multipart upload of {Object}", Describe(key));
        }
#pragma warning disable CA1031 // best effort: the next start's recovery aborts what is still there
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogWarning("Could not abort the interrupted multipart upload of {Object} ({Error}); the next start aborts it", Describe(key), ex.Message);
        }
    }

    /// <summary>S3 checked the Content-MD5 already; the ETag is compared too where it is an MD5 (not under SSE-KMS).</summary>
    private void Verify(string key, string? etag, string expected, ServerSideEncryptionMethod? encryption)
    {
        if (encryption == ServerSideEncryptionMethod.AWSKMS || encryption == ServerSideEncryptionMethod.AWSKMSDSSE)
            return;
        var actual = etag?.Trim('"').ToLowerInvariant();
        if (actual != expected)
            throw new StorageUnavailableException($"{Describe(key)} was stored with ETag {actual ?? "none"} but its content's MD5 is {expected}", transient: true);
    }

    /// <param name="once">One attempt only (the client's own timeout still holds): for a request S3 may carry out though its answer never came, where a second attempt would do it twice.</param>
    private async Task<T> RunAsync<T>(string key, Func<CancellationToken, Task<T>> request, CancellationToken cancellationToken, bool once = false)
    {
        try
        {
            return await (once ? ResiliencePipeline.Empty : pipeline).ExecuteAsync(async token => await request(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not StorageUnavailableException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new StorageUnavailableException(S3Failures.Describe(ex, bucket, ObjectKey(key)), S3Failures.IsTransient(ex), ex, S3Failures.IsAccessDenied(ex),
                S3Failures.IsStorageWide(ex), S3Failures.IsExisting(ex));
        }
    }

    public Task<string> BeginPartsAsync(string key, ObjectHeaders headers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = ObjectKey(key), ContentType = headers.ContentType };
        if (headers.CacheControl is { } cacheControl)
            initiate.Headers.CacheControl = cacheControl;
        // Once: each begin that reaches S3 makes an upload, answered or not, and only the answered one is ever used or aborted.
        return RunAsync(key, async token => (await s3.InitiateMultipartUploadAsync(initiate, token).ConfigureAwait(false)).UploadId, cancellationToken, once: true);
    }

    public Task<StoredPart> PutPartAsync(string key, string uploadId, int number, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var digest = Convert.ToBase64String(ContentMd5.Of(content.Span));
        return InUploadAsync(key, () => RunAsync(key, async token =>
        {
            var response = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = ObjectKey(key), UploadId = uploadId, PartNumber = number,
                InputStream = new MemoryStream(content.ToArray(), writable: false), PartSize = content.Length, MD5Digest = digest,
            }, token).ConfigureAwait(false);
            return new StoredPart(number, response.ETag, content.Length);
        }, cancellationToken));
    }

    /// <summary>A request into an upload in parts: S3's NoSuchUpload (aborted, or completed already) is <see cref="PartsGoneException"/>.</summary>
    private async Task<T> InUploadAsync<T>(string key, Func<Task<T>> request)
    {
        try
        {
            return await request().ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex) when (ex.InnerException is AmazonS3Exception { ErrorCode: "NoSuchUpload" })
        {
            throw new PartsGoneException($"the upload of {ObjectKey(key)} is no longer in S3 (aborted, or completed): {ex.Message}", ex);
        }
    }

    public Task<long> CompletePartsAsync(string key, string uploadId, IReadOnlyList<StoredPart> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return InUploadAsync(key, () => RunAsync(key, async token =>
        {
            var complete = new CompleteMultipartUploadRequest
            {
                BucketName = bucket, Key = ObjectKey(key), UploadId = uploadId,
                PartETags = parts.OrderBy(p => p.Number).Select(p => new PartETag(p.Number, p.Tag)).ToList(),
            };
            await s3.CompleteMultipartUploadAsync(complete, token).ConfigureAwait(false);
            return parts.Sum(p => p.Size);
        }, cancellationToken));
    }

    public Task AbortPartsAsync(string key, string uploadId, CancellationToken cancellationToken) => AbortAsync(key, uploadId);
}
