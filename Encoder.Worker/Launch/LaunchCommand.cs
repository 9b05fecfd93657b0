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

        if (request.DryRun)
        {
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
            // The recordings go to the instance store when there is one (encoder-recording-disk.service); else the root
            // volume must hold the whole class.
            var instanceStore = await launcher.HasInstanceStoreAsync(request.Instance.InstanceType, cancellationToken).ConfigureAwait(false);
            int? rootGiB = instanceStore == true ? null : RootVolume.SizeGiB(request.HardStopAt - time.GetUtcNow(), request.RecordingMbps);
            var instanceId = await launcher.LaunchAsync(RunInstancesRequests.Create(request, userData, rootGiB), cancellationToken).ConfigureAwait(false);
            var disk = rootGiB is { } gib ? $"root volume {gib} GiB for the recording" : "recording on the instance store";
            await stderr.WriteLineAsync(
                $"encoder launch: class {request.SessionId} on {instanceId} ({request.Instance.InstanceType}, {disk}), hard stop at {HardStop.Iso(request.HardStopAt)}").ConfigureAwait(false);
            await stdout.WriteLineAsync(instanceId).ConfigureAwait(false);
            return ExitCodes.Clean;
        }
        catch (AmazonServiceException ex)
        {
            // AWS's own message: it names the request's problem, never the user-data.
            return await FailAsync(stderr, [$"RunInstances failed: {ex.ErrorCode ?? ex.StatusCode.ToString()}: {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            return await FailAsync(stderr, [$"RunInstances failed: {ex.Message}"], ExitCodes.Failure).ConfigureAwait(false);
        }
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
