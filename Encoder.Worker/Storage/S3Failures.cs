using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Polly.Timeout;

namespace Encoder.Storage;

/// <summary>
/// What an S3 failure means, decided here only (pure): whether trying again soon can help, and one sentence an
/// operator can act on, naming the bucket.
/// </summary>
public static class S3Failures
{
    private static readonly HashSet<string> PermanentCodes = new(StringComparer.Ordinal)
    {
        "NoSuchBucket", "AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch",
        "ExpiredToken", "InvalidToken", "AuthorizationHeaderMalformed", "PermanentRedirect", "InvalidBucketName",
        "AccountProblem", "InvalidObjectState", "PreconditionFailed",
    };

    /// <summary>True when the same request may well succeed if tried again in a moment.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        AmazonServiceException service when service.ErrorCode is { } code && PermanentCodes.Contains(code) => false,
        AmazonServiceException { StatusCode: HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.MovedPermanently or HttpStatusCode.PreconditionFailed } => false,
        AmazonServiceException => true, // 5xx, SlowDown, RequestTimeout, BadDigest (corrupted on the way): try again
        StorageUnavailableException storage => storage.Transient,
        TimeoutRejectedException or HttpRequestException or IOException or AmazonClientException => true,
        OperationCanceledException => true, // the caller's own cancellation is filtered out before this is asked
        _ => false,
    };

    private static readonly HashSet<string> StorageWideCodes = new(StringComparer.Ordinal)
    {
        "NoSuchBucket", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
        "AuthorizationHeaderMalformed", "PermanentRedirect", "InvalidBucketName", "AccountProblem",
    };

    /// <summary>
    /// True when the failure is about the storage as a whole, whatever the object: S3 cannot be reached or did not answer
    /// (each request carries at most one 8 MB part, so a timeout says the network or S3, not the object), the bucket does
    /// not exist or is in another region, the credentials are rejected. Anything else (a 4xx or 5xx for this request)
    /// may be this object's alone; <see cref="UploadRetries"/> decides from what the next object does.
    /// </summary>
    public static bool IsStorageWide(Exception exception) => exception switch
    {
        AmazonServiceException service when service.ErrorCode is { } code && StorageWideCodes.Contains(code) => true,
        AmazonServiceException { StatusCode: HttpStatusCode.MovedPermanently } => true,
        AmazonServiceException => false,
        StorageUnavailableException storage => storage.StorageWide,
        TimeoutRejectedException or HttpRequestException or IOException or AmazonClientException or OperationCanceledException => true,
        _ => false,
    };

    /// <summary>True when a conditional put (<c>If-None-Match: *</c>) found an object under its key: 412 PreconditionFailed.</summary>
    public static bool IsExisting(Exception exception) =>
        exception is AmazonServiceException { StatusCode: HttpStatusCode.PreconditionFailed } or AmazonServiceException { ErrorCode: "PreconditionFailed" };

    /// <summary>True when the credentials are not allowed this request (403 / AccessDenied), as opposed to the bucket being wrong or S3 failing.</summary>
    /// <remarks>
    /// A HEAD's 403 has no body to carry a code: the .NET SDK then reports <c>ErrorCode = "Forbidden"</c> (measured
    /// against moto enforcing IAM; real S3 answers the same way), other clients an empty code. All of these mean denied.
    /// </remarks>
    public static bool IsAccessDenied(Exception exception) => exception is AmazonServiceException service &&
        (service.ErrorCode is "AccessDenied" or "AllAccessDisabled" or "Forbidden" || (service.StatusCode == HttpStatusCode.Forbidden && string.IsNullOrEmpty(service.ErrorCode)));

    /// <summary>One line for the log, naming the bucket (and never a credential).</summary>
    public static string Describe(Exception exception, string bucket, string key) => exception switch
    {
        _ when IsExisting(exception) =>
            $"s3://{bucket}/{key} already exists: it is not replaced (a segment is written once; 412 PreconditionFailed)",
        AmazonServiceException { ErrorCode: "NoSuchBucket" } =>
            $"the S3 bucket '{bucket}' does not exist (check Encoder:Storage:Bucket, Encoder:Storage:Region and Encoder:Storage:ServiceUrl)",
        _ when IsAccessDenied(exception) =>
            $"access to the S3 bucket '{bucket}' was denied for {key} (storing needs s3:PutObject and s3:AbortMultipartUpload under the prefix, as iam/encoder-instance-policy.json grants)",
        AmazonServiceException { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken" } service =>
            $"S3 rejected this machine's AWS credentials for bucket '{bucket}' ({service.ErrorCode})",
        AmazonServiceException { ErrorCode: "PermanentRedirect" or "AuthorizationHeaderMalformed" } or AmazonServiceException { StatusCode: HttpStatusCode.MovedPermanently } =>
            $"the S3 bucket '{bucket}' is in another region than the one configured (set Encoder:Storage:Region)",
        AmazonServiceException service =>
            $"S3 bucket '{bucket}' answered {(int)service.StatusCode} {service.ErrorCode} for {key}: {service.Message}",
        TimeoutRejectedException timeout =>
            $"S3 bucket '{bucket}' did not answer within {timeout.Timeout.TotalSeconds:0.#}s for {key}",
        OperationCanceledException =>
            $"the request to S3 bucket '{bucket}' for {key} was abandoned (timed out)",
        _ => $"storing {key} in S3 bucket '{bucket}' failed: {exception.GetType().Name}: {exception.Message}",
    };
}
