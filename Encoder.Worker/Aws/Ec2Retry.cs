using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Encoder.Aws;

/// <summary>
/// The one place that decides which EC2 failures are worth another attempt: throttling and server errors are; a
/// refusal (no permission, no such instance, a bad request) is not — retrying cannot change the answer.
/// </summary>
public static class Ec2Retry
{
    /// <summary>Attempts after the first. With the default delays they take about 15 s, inside the step's budget.</summary>
    public const int MaxRetryAttempts = 4;

    /// <summary>The first retry's delay; it doubles (with jitter) per attempt.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <summary>EC2's and the SDK's names for "slow down".</summary>
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottled",
        "RequestThrottledException", "TooManyRequestsException", "SlowDown", "EC2ThrottledException",
    };

    /// <summary>True when the failure is transient. <paramref name="budget"/> tells our own cancellation from an HTTP timeout.</summary>
    public static bool IsTransient(Exception exception, CancellationToken budget) => exception switch
    {
        AmazonServiceException { ErrorCode: { } code } when ThrottlingCodes.Contains(code) => true,
        AmazonServiceException { StatusCode: HttpStatusCode.TooManyRequests } => true,
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } => true,
        AmazonServiceException { InnerException: HttpRequestException or IOException } => true,
        AmazonServiceException => false,
        HttpRequestException or IOException or TimeoutException => true,
        OperationCanceledException => !budget.IsCancellationRequested,
        _ => false,
    };

    public static ResiliencePipeline Pipeline(ILogger logger, TimeSpan? firstDelay = null, TimeProvider? time = null, string operation = "TerminateInstances")
    {
        ArgumentNullException.ThrowIfNull(logger);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System };
        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsTransient(ex, args.Context.CancellationToken)),
            MaxRetryAttempts = MaxRetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = firstDelay ?? FirstDelay,
            MaxDelay = TimeSpan.FromSeconds(8),
            OnRetry = args =>
            {
                logger.LogWarning("{Operation} attempt {Attempt} failed ({Reason}); retrying in {DelaySeconds:0.0}s",
                    operation, args.AttemptNumber + 1, Describe(args.Outcome.Exception), args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    public static string Describe(Exception? exception) => exception switch
    {
        AmazonServiceException { ErrorCode: { Length: > 0 } code } service => $"{code}, HTTP {(int)service.StatusCode}: {service.Message}",
        null => "no exception",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
