using Amazon.Runtime;
using Encoder.Aws;
using Microsoft.Extensions.Configuration;

namespace Encoder.Configuration;

/// <summary>
/// The secret settings after resolution: the clear values to lay over the configuration (by full key), which
/// parameter each came from, and the problems (one line each, naming the key and the parameter) with the exit code they call for.
/// </summary>
public sealed record SecretResolutionResult(
    IReadOnlyDictionary<string, string?> Values,
    IReadOnlyDictionary<string, string> ParameterOf,
    IReadOnlyList<string> Errors,
    int ExitCode)
{
    public bool IsValid => Errors.Count == 0;

    /// <summary>
    /// A validation error about a resolved key also names the parameter it came from: "Encoder:Camera:Url: must be an
    /// rtsp:// URL (the value of SSM parameter /encoder/yoga/camera-url)".
    /// </summary>
    public string Explain(string error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && ParameterOf.TryGetValue(error[..colon], out var parameter)
            ? $"{error} (the value of SSM parameter {parameter})"
            : error;
    }
}

/// <summary>
/// How long a start waits for SSM and who hears of each wait: <see cref="GiveUpAt"/> (the class's end; null: until
/// stopped), <see cref="OnWait"/> (the operator's line and systemd's STATUS=/EXTEND_TIMEOUT_USEC=).
/// </summary>
/// <param name="Jitter">A uniform random number in [0, 1) per wait (<see cref="Random.Shared"/> when null).</param>
public sealed record SecretWaitPolicy(TimeProvider Time, DateTimeOffset? GiveUpAt, Action<SecretWait>? OnWait = null, Func<double>? Jitter = null);

/// <summary>One wait of a start for SSM: the setting and its parameter, why the last attempt failed, how many failed in a row, when the next one is.</summary>
public sealed record SecretWait(string Key, string ParameterName, string Reason, int Failures, TimeSpan NextAttemptIn, DateTimeOffset? GiveUpAt)
{
    /// <summary>Beyond the next attempt at its longest, before systemd may call the start hung.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);

    /// <summary>How long systemd must wait for the daemon's next word: this wait, the next attempt at its longest, a margin.</summary>
    public TimeSpan StartTimeoutExtension => NextAttemptIn + SecretParameterRetry.AttemptTimeout + Margin;

    /// <summary>What the start waits for, in one line (<c>systemctl status</c>, the journal).</summary>
    public string Status =>
        $"waiting for SSM Parameter Store to serve {ParameterName} ({Key}): {Failures} attempt{(Failures == 1 ? "" : "s")} failed, the last with {OneLine(Reason)}; "
        + $"next in {NextAttemptIn.TotalSeconds:0.#}s, "
        + (GiveUpAt is { } at ? $"until the class's end at {at:O}" : "until stopped");

    /// <summary>What systemd is told (sd_notify): the status line, and more time for the start (a <c>Type=notify</c> unit's TimeoutStartSec).</summary>
    public IReadOnlyList<string> SystemdState() =>
        [$"STATUS={Status}", $"EXTEND_TIMEOUT_USEC={(long)StartTimeoutExtension.TotalMicroseconds}"];

    /// <summary>The rest of the start once SSM answered (services, then READY=1): what TimeoutStartSec gives a first start.</summary>
    public static readonly TimeSpan RestOfStart = TimeSpan.FromSeconds(60);

    /// <summary>What systemd is told when SSM answered after a wait: the start goes on, with time for the rest of it.</summary>
    public static IReadOnlyList<string> AnsweredState() =>
        ["STATUS=SSM Parameter Store answered; starting the class", $"EXTEND_TIMEOUT_USEC={(long)RestOfStart.TotalMicroseconds}"];

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>
/// Resolves the secret settings that hold references (<see cref="SecretReference"/>) through SSM, once, before the
/// configuration is validated. Without a reference nothing is asked of AWS (local runs). The clear values then reach
/// the options and, through them, the secret redactor (<c>SecretRedactor.For</c>), like any configured secret.
/// An SSM that does not answer yet (an instance's first minute: credentials, DNS, a VPC endpoint) is waited for in
/// process (<see cref="SecretParameterRetry"/>) until the class's end, each wait told to <see cref="SecretWaitPolicy.OnWait"/>;
/// a parameter that is missing or denied stops the start at once.
/// </summary>
public static class SecretResolution
{
    /// <summary>A timer's longest wait (about 49 days); a class's end further off is waited for as if there were none.</summary>
    private static readonly TimeSpan LongestTimer = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>The full keys (<c>Encoder:Camera:Url</c>) whose value is an SSM reference, to be resolved.</summary>
    public static IReadOnlySet<string> ReferencedKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return SecretReference.SecretKeys.Select(ConfigurationKeys.Full)
            .Where(key => SecretReference.Parse(configuration[key]).Kind == SecretValueKind.Reference)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Whether a validation error ("Encoder:Camera:Url: must be ...") is about one of <paramref name="keys"/>: before resolution, a reference is no URL yet.</summary>
    public static bool IsAbout(IReadOnlySet<string> keys, string error)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(error);
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && keys.Contains(error[..colon]);
    }

    /// <param name="parametersFactory">Makes the SSM reader with the class's credentials (<see cref="ClassCredentials"/>; null: the SDK's default chain).</param>
    public static async Task<SecretResolutionResult> ResolveAsync(
        IConfiguration configuration, Func<AWSCredentials?, ISecretParameters> parametersFactory, SecretWaitPolicy wait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parametersFactory);
        ArgumentNullException.ThrowIfNull(wait);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var parameterOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var exitCode = ExitCodes.Clean;
        ISecretParameters? parameters = null;
        var jitter = wait.Jitter ?? Random.Shared.NextDouble;
        using var classEnd = new CancellationTokenSource(Timeout.InfiniteTimeSpan, wait.Time);
        if (wait.GiveUpAt is { } giveUpAt && giveUpAt - wait.Time.GetUtcNow() is var untilEnd && untilEnd < LongestTimer)
            classEnd.CancelAfter(untilEnd < TimeSpan.Zero ? TimeSpan.Zero : untilEnd);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, classEnd.Token);
        try
        {
            foreach (var key in SecretReference.SecretKeys)
            {
                var fullKey = ConfigurationKeys.Full(key);
                var reference = SecretReference.Parse(configuration[fullKey]);
                if (reference.Kind == SecretValueKind.Plain)
                    continue;
                if (reference.Kind == SecretValueKind.Invalid)
                {
                    errors.Add($"{fullKey}: {reference.Problem}");
                    exitCode = ExitCodes.ConfigurationError;
                    continue;
                }

                var name = reference.ParameterName!;
                var lastFailure = "no answer";
                var retry = SecretParameterRetry.Pipeline(wait.Time, jitter, (failure, failures, delay) =>
                {
                    lastFailure = SecretParameterRetry.Reason(failure);
                    wait.OnWait?.Invoke(new SecretWait(fullKey, name, lastFailure, failures, delay, wait.GiveUpAt));
                    return ValueTask.CompletedTask;
                });
                try
                {
                    if (parameters is null && ClassRoleProblem(configuration) is { } problem)
                    {
                        // Never read a class's secrets with wider credentials than configured.
                        errors.Add($"{ConfigurationKeys.Full("Aws:ClassRoleArn")}: {problem}");
                        return new SecretResolutionResult(values, parameterOf, errors, ExitCodes.ConfigurationError);
                    }

                    values[fullKey] = await retry.ExecuteAsync(async token =>
                    {
                        parameters ??= parametersFactory(ClassCredentialsOf(configuration));
                        return await parameters.GetAsync(name, token).ConfigureAwait(false);
                    }, waiting.Token).ConfigureAwait(false);
                    parameterOf[fullKey] = name;
                }
                catch (ParameterReadException ex)
                {
                    errors.Add($"{fullKey}: {Describe(name, ex)}");
                    // What will not fix itself stops for good (systemd does not restart exit 2).
                    exitCode = ex.Failure == ParameterFailure.Unavailable && exitCode != ExitCodes.ConfigurationError
                        ? ExitCodes.Failure
                        : ExitCodes.ConfigurationError;
                }
                catch (OperationCanceledException) when (waiting.IsCancellationRequested)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Stopped (SIGTERM, Ctrl+C) while waiting: the class is paused, as by any stop; nothing had started.
                        errors.Add($"{fullKey}: stopped while waiting for the SSM parameter {name} (SSM did not answer: {lastFailure})");
                    }
                    else
                    {
                        errors.Add($"{fullKey}: the SSM parameter {name} could not be read: SSM did not answer by the class's end ({wait.GiveUpAt:O}) ({lastFailure})");
                        exitCode = exitCode == ExitCodes.ConfigurationError ? exitCode : ExitCodes.Failure;
                    }

                    break;
                }
            }
        }
        finally
        {
            (parameters as IDisposable)?.Dispose();
        }

        return new SecretResolutionResult(values, parameterOf, errors, exitCode);
    }

    /// <summary>
    /// The class role from the configuration as written (before binding: the secrets are resolved first), as
    /// <c>EncoderServices</c> takes it from the bound options: the same keys, the same prefix default.
    /// </summary>
    /// <exception cref="ArgumentException"><c>Aws:ClassRoleArn</c> is not a role's ARN.</exception>
    public static ClassRole? ClassRoleOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Value(string key) => configuration[ConfigurationKeys.Full(key)];
        var s3 = string.Equals(Value("Storage:Kind"), nameof(StorageKind.S3), StringComparison.OrdinalIgnoreCase);
        return ClassRole.Of(Value("Aws:ClassRoleArn"), Value("SessionId") ?? "", s3 ? Value("Storage:Bucket") : null, Value("Storage:Prefix") ?? new StorageOptions().Prefix);
    }

    /// <exception cref="ParameterReadException">The STS client cannot be set up (no region): <see cref="ParameterFailure.Unavailable"/>, as for SSM's.</exception>
    private static AWSCredentials? ClassCredentialsOf(IConfiguration configuration)
    {
        try
        {
            return ClassCredentials.For(ClassRoleOf(configuration), configuration[ConfigurationKeys.Full("Storage:Region")]);
        }
        catch (AmazonClientException ex)
        {
            throw new ParameterReadException("(STS client)", ParameterFailure.Unavailable, ex.Message, ex);
        }
    }

    private static string? ClassRoleProblem(IConfiguration configuration)
    {
        try
        {
            return ClassRoleOf(configuration)?.Scope.Problem is { } problem ? $"the class's session policy cannot be written: {problem}" : null;
        }
        catch (ArgumentException)
        {
            return "must be an IAM role ARN such as arn:aws:iam::123456789012:role/encoder-class";
        }
    }

    private static string Describe(string name, ParameterReadException ex) => ex.Failure switch
    {
        ParameterFailure.NotFound => $"the SSM parameter {name} does not exist (deleted, expired, or another region) ({ex.Reason})",
        ParameterFailure.Denied => $"the SSM parameter {name} may not be read or decrypted with this machine's credentials ({ex.Reason})",
        _ => $"the SSM parameter {name} could not be read: SSM did not answer ({ex.Reason})",
    };
}
