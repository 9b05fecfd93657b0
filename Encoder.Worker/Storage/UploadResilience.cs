using Encoder.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Encoder.Storage;

/// <summary>
/// The policy for one storage request, in one place: each attempt gets <c>Storage:RequestTimeoutSeconds</c>; a
/// transient failure (<see cref="S3Failures.IsTransient"/>) is tried again after <see cref="UploadBackoff"/>'s delays,
/// up to <see cref="QuickRetries"/> times; then the request fails and the uploader's next pass tries again later,
/// for as long as it takes.
/// </summary>
public static class UploadResilience
{
    public const int QuickRetries = 2;

    public static ResiliencePipeline Create(TimeSpan requestTimeout, ILogger logger) =>
        new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = QuickRetries,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex && !args.Context.CancellationToken.IsCancellationRequested && S3Failures.IsTransient(ex)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(UploadBackoff.Delay(args.AttemptNumber + 1)),
                OnRetry = args =>
                {
                    logger.LogDebug("Storage request failed ({Error}); attempt {Attempt} in {DelaySeconds:0.0}s",
                        args.Outcome.Exception?.Message, args.AttemptNumber + 2, args.RetryDelay.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = requestTimeout })
            .Build();
}
