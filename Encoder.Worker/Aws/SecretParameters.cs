using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;

namespace Encoder.Aws;

/// <summary>Why a parameter could not be read: it does not exist, this role may not read (or decrypt) it, or SSM did not answer.</summary>
public enum ParameterFailure
{
    NotFound,
    Denied,
    Unavailable,
}

/// <summary>A parameter that could not be read. The message names the parameter and AWS's error code, never a value.</summary>
public sealed class ParameterReadException(string parameterName, ParameterFailure failure, string reason, Exception? inner = null)
    : Exception($"{parameterName}: {failure} ({reason})", inner)
{
    public string ParameterName { get; } = parameterName;

    public ParameterFailure Failure { get; } = failure;

    /// <summary>AWS's error code (or the client's failure, e.g. a timeout), for the operator.</summary>
    public string Reason { get; } = reason;
}

/// <summary>The daemon's one read of secrets at start: a SecureString parameter's clear value.</summary>
public interface ISecretParameters
{
    /// <exception cref="ParameterReadException">The parameter is missing, denied, or SSM is unreachable.</exception>
    Task<string> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>
/// SSM Parameter Store through the AWS SDK: credentials and region from the SDK's usual sources (the instance profile and
/// the instance's region on EC2), the endpoint from <c>AWS_ENDPOINT_URL_SSM</c> when set (tests). The SDK's own retries
/// (3 attempts) cover throttling and 5xx; each attempt is bounded.
/// </summary>
public sealed class SsmSecretParameters(IAmazonSimpleSystemsManagement ssm) : ISecretParameters, IDisposable
{
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <param name="credentials">The class's (<see cref="ClassCredentials"/>); null: the SDK's default chain.</param>
    /// <exception cref="ParameterReadException">The SDK cannot be set up (no region): <see cref="ParameterFailure.Unavailable"/>.</exception>
    public static SsmSecretParameters Create(AWSCredentials? credentials)
    {
        try
        {
            var config = new AmazonSimpleSystemsManagementConfig { Timeout = RequestTimeout };
            return new SsmSecretParameters(credentials is null ? new AmazonSimpleSystemsManagementClient(config) : new AmazonSimpleSystemsManagementClient(credentials, config));
        }
        catch (AmazonClientException ex)
        {
            throw new ParameterReadException("(SSM client)", ParameterFailure.Unavailable, ex.Message, ex);
        }
    }

    public async Task<string> GetAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var response = await ssm.GetParameterAsync(new GetParameterRequest { Name = name, WithDecryption = true }, cancellationToken).ConfigureAwait(false);
            return response.Parameter?.Value ?? throw new ParameterReadException(name, ParameterFailure.Unavailable, "SSM answered without a value");
        }
        catch (AmazonServiceException ex)
        {
            throw new ParameterReadException(name, Classify(ex.ErrorCode, (int)ex.StatusCode), ex.ErrorCode ?? $"HTTP {(int)ex.StatusCode}", ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException)
        {
            // The SDK lets a refused or reset connection through as it is.
            throw new ParameterReadException(name, ParameterFailure.Unavailable, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ParameterReadException(name, ParameterFailure.Unavailable, "timed out", ex);
        }
    }

    /// <summary>
    /// A refusal that will not fix itself (missing, denied: IAM or the KMS key, rejected credentials) or one that may
    /// (throttling, 5xx: SSM is away). AWS answers an IAM denial with <c>AccessDeniedException</c>; moto with a 403 <c>AccessDenied</c>.
    /// </summary>
    public static ParameterFailure Classify(string? errorCode, int statusCode) => errorCode switch
    {
        "ParameterNotFound" or "ParameterVersionNotFound" => ParameterFailure.NotFound,
        "AccessDeniedException" or "AccessDenied" or "UnrecognizedClientException" or "InvalidClientTokenId" or "InvalidSignatureException"
            or "ExpiredTokenException" or "InvalidKeyId" or "KMSAccessDeniedException" => ParameterFailure.Denied,
        _ when statusCode is 401 or 403 => ParameterFailure.Denied,
        _ => ParameterFailure.Unavailable,
    };

    public void Dispose() => ssm.Dispose();
}
