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
/// Resolves the secret settings that hold references (<see cref="SecretReference"/>) through SSM, once, before the
/// configuration is validated. Without a reference nothing is asked of AWS (local runs). The clear values then reach
/// the options and, through them, the secret redactor (<c>SecretRedactor.For</c>), like any configured secret.
/// </summary>
public static class SecretResolution
{
    /// <param name="parametersFactory">Makes the SSM reader with the class's credentials (<see cref="ClassCredentials"/>; null: the SDK's default chain).</param>
    public static async Task<SecretResolutionResult> ResolveAsync(
        IConfiguration configuration, Func<AWSCredentials?, ISecretParameters> parametersFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parametersFactory);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var parameterOf = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        var exitCode = ExitCodes.Clean;
        ISecretParameters? parameters = null;
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
                try
                {
                    if (parameters is null && ClassRoleProblem(configuration) is { } problem)
                    {
                        // Never read a class's secrets with wider credentials than configured.
                        errors.Add($"{ConfigurationKeys.Full("Aws:ClassRoleArn")}: {problem}");
                        return new SecretResolutionResult(values, parameterOf, errors, ExitCodes.ConfigurationError);
                    }

                    parameters ??= parametersFactory(ClassCredentialsOf(configuration));
                    values[fullKey] = await parameters.GetAsync(name, cancellationToken).ConfigureAwait(false);
                    parameterOf[fullKey] = name;
                }
                catch (ParameterReadException ex)
                {
                    errors.Add($"{fullKey}: {Describe(name, ex)}");
                    // What will not fix itself stops for good (systemd does not restart exit 2); an unreachable SSM is retried by a restart.
                    exitCode = ex.Failure == ParameterFailure.Unavailable && exitCode != ExitCodes.ConfigurationError
                        ? ExitCodes.Failure
                        : ExitCodes.ConfigurationError;
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
