using Amazon.Runtime;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using Polly;
using Polly.Retry;
using Polly.Timeout;

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
        catch (Exception ex) when (DidNotAnswer(ex))
        {
            throw new ParameterReadException(name, ParameterFailure.Unavailable, ex.Message, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ParameterReadException(name, ParameterFailure.Unavailable, "timed out", ex);
        }
    }

    /// <summary>
    /// Whether a failure that is not AWS's answer means SSM did not answer: the SDK lets a refused, reset or dropped
    /// connection through as it is (an <see cref="IOException"/>, or a bare <see cref="System.Net.Sockets.SocketException"/>
    /// such as ENOTCONN when the peer resets at once).
    /// </summary>
    public static bool DidNotAnswer(Exception exception) =>
        exception is AmazonClientException or HttpRequestException or IOException or System.Net.Sockets.SocketException or TimeoutException;

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

/// <summary>
/// The one place that decides how a start waits for SSM. A read that failed because SSM did not answer (no connection,
/// no credentials yet, a timeout, throttling, 5xx: <see cref="ParameterFailure.Unavailable"/>) is tried again, 1 s
/// doubling to a 10 s cap with ±20 % jitter (instances booted together do not ask together), each attempt cut at
/// <see cref="AttemptTimeout"/>; a refusal (missing, denied) is final at once. There is no attempt limit: the caller's
/// cancellation (the class's end, a SIGTERM) ends the wait.
/// </summary>
public static class SecretParameterRetry
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>One attempt at most: the SDK's own three tries of <see cref="SsmSecretParameters.RequestTimeout"/> each.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The jitter's share either side of the delay.</summary>
    public const double Jitter = 0.2;

    /// <summary>The wait after the <paramref name="failures"/>th failure in a row (1 = the first).</summary>
    /// <param name="jitterUnit">A uniform random number in [0, 1); 0.5 means no jitter.</param>
    public static TimeSpan Delay(int failures, double jitterUnit)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var seconds = Math.Min(FirstDelay.TotalSeconds * Math.Pow(2, exponent), MaxDelay.TotalSeconds);
        return TimeSpan.FromSeconds(seconds * (1 - Jitter + (2 * Jitter * Math.Clamp(jitterUnit, 0, 1))));
    }

    /// <summary>Whether the failure may fix itself: SSM did not answer, or an attempt ran out of time.</summary>
    public static bool IsTransient(Exception? exception) =>
        exception is ParameterReadException { Failure: ParameterFailure.Unavailable } or TimeoutRejectedException;

    /// <summary>Why an attempt failed, for the operator: AWS's error code or the client's failure, never a value.</summary>
    public static string Reason(Exception? exception) => exception switch
    {
        ParameterReadException read => read.Reason,
        TimeoutRejectedException => $"no answer within {AttemptTimeout.TotalSeconds:0}s",
        null => "no answer",
        _ => exception.Message,
    };

    /// <param name="onRetry">Told each failure before its wait: the failure, how many in a row, the wait.</param>
    public static ResiliencePipeline Pipeline(TimeProvider time, Func<double> jitter, Func<Exception?, int, TimeSpan, ValueTask> onRetry)
    {
        ArgumentNullException.ThrowIfNull(jitter);
        ArgumentNullException.ThrowIfNull(onRetry);
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                MaxRetryAttempts = int.MaxValue,
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.AttemptNumber + 1, jitter())),
                OnRetry = args => onRetry(args.Outcome.Exception, args.AttemptNumber + 1, args.RetryDelay),
            })
            .AddTimeout(AttemptTimeout)
            .Build();
    }
}
