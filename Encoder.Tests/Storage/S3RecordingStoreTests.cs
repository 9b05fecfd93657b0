using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Encoder.Tests.Storage;

/// <summary>The S3 store against a real S3 API (moto_server on loopback); Moq only for faults moto cannot produce.</summary>
[TestFixture]
[NonParallelizable]
[Category("Integration")]
public sealed class S3RecordingStoreTests
{
    private const int MinimumPart = 5 * 1024 * 1024;
    private MotoServer _moto = null!;
    private IAmazonS3 _s3 = null!;
    private string _work = "";
    private string _bucket = "";

    [OneTimeSetUp]
    public async Task StartS3()
    {
        _moto = await MotoServer.StartAsync();
        _s3 = _moto.Client();
        _work = Directory.CreateTempSubdirectory("encoder-s3store-").FullName;
    }

    [OneTimeTearDown]
    public async Task StopS3()
    {
        _s3.Dispose();
        await _moto.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [SetUp]
    public async Task EmptyBucket()
    {
        await _moto.ResetAsync();
        _bucket = await _moto.CreateBucketAsync("studio-recordings");
    }

    private S3RecordingStore Store(IAmazonS3? s3 = null, int requestTimeoutSeconds = 5) =>
        new(s3 ?? _s3, _bucket, "recordings/", UploadResilience.Create(TimeSpan.FromSeconds(requestTimeoutSeconds), NullLogger.Instance),
            NullLogger<S3RecordingStore>.Instance, multipartThreshold: MinimumPart, partSize: MinimumPart);

    private string LocalFile(string name, int size)
    {
        var path = Path.Combine(_work, name);
        var content = new byte[size];
        new Random(size).NextBytes(content);
        File.WriteAllBytes(path, content);
        return path;
    }

    [Test]
    public async Task A_segment_is_stored_verified_with_its_headers_under_the_prefix()
    {
        var path = LocalFile("seg_00000.ts", 300_000);

        var md5 = await Store().PutFileAsync("yoga/seg_00000.ts", path, ObjectHeaders.Segment, CancellationToken.None);

        Assert.That(md5, Is.EqualTo(ContentMd5.Hex(await File.ReadAllBytesAsync(path))));
        Assert.That(await _moto.GetAsync(_bucket, "recordings/yoga/seg_00000.ts"), Is.EqualTo(await File.ReadAllBytesAsync(path)));
        var metadata = await _s3.GetObjectMetadataAsync(_bucket, "recordings/yoga/seg_00000.ts");
        Assert.That((metadata.Headers.ContentType, metadata.Headers.CacheControl), Is.EqualTo((ObjectHeaders.Segment.ContentType, ObjectHeaders.Segment.CacheControl)));
        Assert.That(await Store().StoredMd5Async("yoga/seg_00000.ts", CancellationToken.None), Is.EqualTo(md5));
        Assert.That(await Store().StoredMd5Async("yoga/seg_00099.ts", CancellationToken.None), Is.Null);
    }

    [TestCase("yoga/logs/encoder.log", 1000, TestName = "A small log is stored private in one PUT")]
    [TestCase("yoga/logs/ffmpeg-recorder-run001.log", MinimumPart + 1, TestName = "A large log is stored private in parts")]
    public async Task A_log_is_stored_private_however_it_goes_up(string key, int size)
    {
        var path = LocalFile(Path.GetFileName(key), size);

        await Store().PutFileAsync(key, path, ObjectHeaders.Log, CancellationToken.None);

        var metadata = await _s3.GetObjectMetadataAsync(_bucket, "recordings/" + key);
        Assert.That((metadata.Headers.ContentType, metadata.Headers.CacheControl), Is.EqualTo(("text/plain; charset=utf-8", "no-cache, private")));
    }

    [Test]
    public async Task The_session_manifest_is_stored_private()
    {
        await Store().PutBytesAsync("yoga/session.json", "{}"u8.ToArray(), ObjectHeaders.Manifest, CancellationToken.None);

        var metadata = await _s3.GetObjectMetadataAsync(_bucket, "recordings/yoga/session.json");
        Assert.That((metadata.Headers.ContentType, metadata.Headers.CacheControl), Is.EqualTo(("application/json", "no-cache, private")));
    }

    [Test]
    public async Task A_large_file_goes_up_in_verified_parts_and_leaves_no_unfinished_upload()
    {
        var path = LocalFile("encoder.log", (2 * MinimumPart) + 12345);

        var md5 = await Store().PutFileAsync("yoga/logs/encoder.log", path, ObjectHeaders.Log, CancellationToken.None);

        Assert.That(md5, Is.EqualTo(ContentMd5.Hex(await File.ReadAllBytesAsync(path))));
        Assert.That(await _moto.GetAsync(_bucket, "recordings/yoga/logs/encoder.log"), Is.EqualTo(await File.ReadAllBytesAsync(path)));
        Assert.That(_moto.Requests().Count(r => r.Method == "PUT" && r.Path.Contains("/recordings/yoga/logs/encoder.log?", StringComparison.Ordinal) && r.Path.Contains("partNumber=", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That((await _s3.ListMultipartUploadsAsync(_bucket)).MultipartUploads ?? [], Is.Empty);
    }

    [Test]
    public async Task An_interrupted_multipart_upload_is_aborted()
    {
        var path = LocalFile("big.log", 3 * MinimumPart);
        using var stop = new CancellationTokenSource();
        var store = Store();
        var earlier = _moto.Requests().Count; // the log is the server's whole life
        var upload = store.PutFileAsync("yoga/logs/big.log", path, ObjectHeaders.Log, stop.Token);
        await Poll.UntilAsync(() => _moto.Requests().Skip(earlier).Any(r => r.Path.Contains("partNumber=1", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the first part is on its way");
        await stop.CancelAsync();

        Assert.That(async () => await upload, Throws.InstanceOf<OperationCanceledException>());
        Assert.That((await _s3.ListMultipartUploadsAsync(_bucket)).MultipartUploads ?? [], Is.Empty);
        Assert.That(() => _moto.Requests().Skip(earlier).Count(r => r.Method == "DELETE" && r.Path.Contains("uploadId=", StringComparison.Ordinal)),
            Is.EqualTo(1).After(5000, 50), "the upload was aborted, not left to expire");
        Assert.That((await _moto.ListAsync(_bucket)).Select(o => o.Key), Does.Not.Contain("recordings/yoga/logs/big.log"));
    }

    [Test]
    public async Task Recovery_aborts_the_unfinished_uploads_a_killed_daemon_left_in_the_session_folder_only()
    {
        await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = "recordings/yoga/logs/encoder.log" });
        await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _bucket, Key = "recordings/pilates/logs/encoder.log" });

        var aborted = await Store().RecoverAsync("yoga/", new HashSet<string>(), CancellationToken.None);

        Assert.That(aborted, Is.EqualTo(1));
        Assert.That(((await _s3.ListMultipartUploadsAsync(_bucket)).MultipartUploads ?? []).Select(u => u.Key), Is.EqualTo(new[] { "recordings/pilates/logs/encoder.log" }));
    }

    [Test]
    public async Task An_unknown_bucket_fails_at_once_with_an_error_naming_the_bucket()
    {
        var store = new S3RecordingStore(_s3, "no-such-studio-bucket", "recordings/", UploadResilience.Create(TimeSpan.FromSeconds(5), NullLogger.Instance),
            NullLogger<S3RecordingStore>.Instance);

        var error = Assert.ThrowsAsync<StorageUnavailableException>(() => store.PutBytesAsync("yoga/index.m3u8", "#EXTM3U\n"u8.ToArray(), ObjectHeaders.LivePlaylist, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("the S3 bucket 'no-such-studio-bucket' does not exist"));
        Assert.That(error.Transient, Is.False);
        Assert.That(() => _moto.Requests().Count(r => r.Path.StartsWith("/no-such-studio-bucket/", StringComparison.Ordinal)), Is.EqualTo(1).After(1000, 50), "no pointless retries");
    }

    [Test]
    public async Task A_frozen_S3_times_out_each_request_and_the_next_attempt_succeeds_once_it_is_back()
    {
        var store = Store(requestTimeoutSeconds: 1);
        _moto.Freeze();
        var put = store.PutBytesAsync("yoga/index.m3u8", "#EXTM3U\n"u8.ToArray(), ObjectHeaders.LivePlaylist, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        _moto.Thaw();

        Assert.That(await put, Is.EqualTo(ContentMd5.Hex("#EXTM3U\n"u8)));
        Assert.That(await _moto.GetAsync(_bucket, "recordings/yoga/index.m3u8"), Is.EqualTo("#EXTM3U\n"u8.ToArray()));
    }

    // Faults moto cannot produce on demand: an S3 that denies access, and one that keeps failing with 500.

    [Test]
    public void Access_denied_is_not_retried_and_the_error_names_the_bucket()
    {
        var s3 = new Mock<IAmazonS3>();
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("Access Denied") { ErrorCode = "AccessDenied", StatusCode = HttpStatusCode.Forbidden });

        var error = Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Store(s3.Object).PutBytesAsync("yoga/seg_00000.ts", new byte[] { 1, 2, 3 }, ObjectHeaders.Segment, CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("access to the S3 bucket 'studio-recordings' was denied for recordings/yoga/seg_00000.ts"));
        Assert.That(error.Transient, Is.False);
        s3.Verify(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void A_server_error_is_retried_twice_then_reported_as_transient()
    {
        var s3 = new Mock<IAmazonS3>();
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AmazonS3Exception("We encountered an internal error") { ErrorCode = "InternalError", StatusCode = HttpStatusCode.InternalServerError });

        var error = Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Store(s3.Object).PutBytesAsync("yoga/seg_00000.ts", new byte[] { 1, 2, 3 }, ObjectHeaders.Segment, CancellationToken.None));

        Assert.That(error!.Transient, Is.True);
        Assert.That(error.Message, Does.StartWith("S3 bucket 'studio-recordings' answered 500 InternalError"));
        s3.Verify(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()), Times.Exactly(1 + UploadResilience.QuickRetries));
    }

    [Test]
    public void A_stored_object_whose_ETag_does_not_match_the_content_is_not_accepted()
    {
        var s3 = new Mock<IAmazonS3>();
        s3.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new PutObjectResponse { ETag = "\"00000000000000000000000000000000\"" });

        var error = Assert.ThrowsAsync<StorageUnavailableException>(() =>
            Store(s3.Object).PutBytesAsync("yoga/seg_00000.ts", new byte[] { 1, 2, 3 }, ObjectHeaders.Segment, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("was stored with ETag 00000000000000000000000000000000 but its content's MD5 is"));
    }
}
