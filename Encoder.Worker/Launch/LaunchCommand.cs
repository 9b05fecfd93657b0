using System.Text;
using Amazon.Runtime;
using Encoder.Logging;

namespace Encoder.Launch;

/// <summary><c>encoder launch ...</c>: the step the CMS runs when a class starts. Its options: <see cref="LaunchOption.All"/>.</summary>
public static class LaunchCommand
{
    public const string Verb = "launch";

    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        Func<string?, IInstanceLauncher> launcherFor,
        SecretInputs? secretInputs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(launcherFor);
        var parse = LaunchArguments.Parse(args, time.GetUtcNow(), secretInputs);
        if (parse.Help)
        {
            return EncoderCommandLine.WriteLaunchHelp(stdout);
        }

        foreach (var warning in parse.Warnings ?? [])
            await stderr.WriteLineAsync($"encoder launch: {warning}").ConfigureAwait(false);

        if (parse.Request is not { } request)
            return await FailAsync(stderr, parse.Errors, ExitCodes.ConfigurationError).ConfigureAwait(false);

        var userData = UserData.Render(request);
        var size = Encoding.UTF8.GetByteCount(userData);
        if (size > UserData.MaxBytes)
            return await FailAsync(stderr, [$"user-data: {size} bytes, more than EC2's {UserData.MaxBytes}"], ExitCodes.ConfigurationError).ConfigureAwait(false);

        var toHardStop = request.HardStopAt - time.GetUtcNow();
        await stderr.WriteLineAsync($"encoder launch: instance {InstanceSizing.Summary(request.Instance.InstanceType, toHardStop)}").ConfigureAwait(false);
        if (request.DryRun)
        {
            if (request.Instance.Attempts.Count > 1)
                await stderr.WriteLineAsync($"encoder launch: dry run: if EC2 has no capacity for it, would try {string.Join(", ", request.Instance.Attempts.Skip(1))}").ConfigureAwait(false);
            foreach (var secret in request.Secrets)
                await stderr.WriteLineAsync($"encoder launch: dry run: would put {Describe(secret, request)}").ConfigureAwait(false);
            await stdout.WriteAsync(userData).ConfigureAwait(false);
            return ExitCodes.Clean;
        }

        var launcher = launcherFor(request.Instance.Region);
        foreach (var secret in request.Secrets)
        {
            try
            {
                // Before the instance: a daemon that boots resolves them at once.
                await launcher.PutSecretAsync(ClassSecrets.PutRequest(secret, request.SessionId, request.HardStopAt), cancellationToken).ConfigureAwait(false);
                await stderr.WriteLineAsync($"encoder launch: put {Describe(secret, request)}").ConfigureAwait(false);
            }
            catch (AmazonServiceException ex)
            {
                // AWS's message may quote the value it refused: masked.
                var message = new SecretRedactor([secret.Value]).Redact(ex.Message);
                return await FailAsync(stderr, [$"PutParameter {secret.ParameterName} failed: {ex.ErrorCode ?? ex.StatusCode.ToString()}: {message}"], ExitCodes.Failure).ConfigureAwait(false);
            }
            catch (AmazonClientException ex)
            {
                return await FailAsync(stderr, [$"PutParameter {secret.ParameterName} failed: {new SecretRedactor([secret.Value]).Redact(ex.Message)}"], ExitCodes.Failure).ConfigureAwait(false);
            }
        }

        try
        {
            // A retry of a launch that fell back to another type or subnet: an earlier attempt might succeed now, under
            // its own token. The session's own instance, once EC2 shows it, answers the retry instead.
            var running = await launcher.FindSessionInstanceAsync(request.SessionId, cancellationToken).ConfigureAwait(false);
            if (running is { } found)
            {
                await stderr.WriteLineAsync($"encoder launch: class {request.SessionId} already runs on {found.InstanceId} ({found.InstanceType}): nothing launched").ConfigureAwait(false);
                await stdout.WriteLineAsync(found.InstanceId).ConfigureAwait(false);
                return ExitCodes.Clean;
            }
        }
        catch (AmazonServiceException ex)
        {
            await stderr.WriteLineAsync($"encoder launch: WARN: cannot look for the session's running instance ({ex.ErrorCode ?? ex.StatusCode.ToString()}); each attempt's client token still stops a repeated one").ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            return await FailAsync(stderr, [$"DescribeInstances failed: {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
        }

        var remaining = request.Instance.Attempts;
        var refusals = new List<string>();
        while (remaining.Count > 0)
        {
            var attempt = remaining[0];
            try
            {
                // The recordings go to the instance store when there is one (encoder-recording-disk.service); else the
                // root volume must hold the whole class. The table knows its types; EC2 is asked about any other.
                var instanceStore = InstanceSizing.Find(attempt.InstanceType) is { } row
                    ? row.InstanceStoreGb > 0
                    : await launcher.HasInstanceStoreAsync(attempt.InstanceType, cancellationToken).ConfigureAwait(false);
                int? rootGiB = instanceStore == true ? null : RootVolume.SizeGiB(request.HardStopAt - time.GetUtcNow(), request.RecordingMbps);
                var instanceId = await launcher.LaunchAsync(RunInstancesRequests.Create(request, userData, rootGiB, attempt), cancellationToken).ConfigureAwait(false);
                var disk = rootGiB is { } gib ? $"root volume {gib} GiB for the recording" : "recording on the instance store";
                var after = refusals.Count > 0 ? $" after {refusals.Count} capacity refusal(s): {string.Join("; ", refusals)}" : "";
                await stderr.WriteLineAsync(
                    $"encoder launch: class {request.SessionId} on {instanceId} ({attempt}, {disk}), hard stop at {HardStop.Iso(request.HardStopAt)}{after}").ConfigureAwait(false);
                await stdout.WriteLineAsync(instanceId).ConfigureAwait(false);
                return ExitCodes.Clean;
            }
            catch (AmazonServiceException ex)
            {
                // AWS's own message: it names the request's problem, never the user-data.
                var code = ex.ErrorCode ?? ex.StatusCode.ToString();
                var refusal = CapacityFallback.Classify(ex.ErrorCode);
                if (refusal == Refusal.Final)
                    return await FailAsync(stderr, [$"RunInstances failed: {code}: {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
                refusals.Add($"{attempt}: {code}");
                remaining = CapacityFallback.After(remaining, attempt, refusal);
                if (remaining.Count == 0)
                    return await FailAsync(stderr, [$"RunInstances failed: no capacity for the class ({string.Join("; ", refusals)}): {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
                await stderr.WriteLineAsync($"encoder launch: {attempt} refused ({code}: {ex.Message}); trying {remaining[0]}").ConfigureAwait(false);
                if (remaining[0].InstanceType != attempt.InstanceType)
                    await stderr.WriteLineAsync($"encoder launch: instance {InstanceSizing.Summary(remaining[0].InstanceType, toHardStop)}").ConfigureAwait(false);
            }
            catch (AmazonClientException ex)
            {
                return await FailAsync(stderr, [$"RunInstances failed: {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
            }
        }

        return await FailAsync(stderr, ["RunInstances: no instance type to try"], ExitCodes.Failure).ConfigureAwait(false);
    }

    private static string Describe(ClassSecret secret, LaunchRequest request) =>
        $"SecureString {secret.ParameterName} ({secret.ConfigKey}; Advanced tier, expires {HardStop.Iso(request.HardStopAt)})";

    private static async Task<int> FailAsync(TextWriter stderr, IReadOnlyList<string> errors, int exitCode)
    {
        foreach (var error in errors)
            await stderr.WriteLineAsync($"encoder launch: {error}").ConfigureAwait(false);
        return exitCode;
    }
}
