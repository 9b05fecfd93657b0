namespace Encoder.Launch;

/// <summary>Where <c>encoder launch</c> took a secret from.</summary>
public enum SecretSource
{
    /// <summary>The command line: works, with a WARN (other users of the CMS's machine see it with <c>ps</c>).</summary>
    CommandLine,

    /// <summary><c>--secrets-file PATH</c>, or <c>--secrets-file -</c> for stdin.</summary>
    File,

    /// <summary>An environment variable (<c>ENCODER_CAMERA_URL</c>, ...).</summary>
    Environment,
}

/// <summary>One secret the launcher takes: its option, its environment variable, its name in a secrets file, and the SSM parameter it becomes.</summary>
/// <param name="FileName">The name in a secrets file (<c>camera-url=rtsp://...</c>), also the last segment of its SSM parameter.</param>
public sealed record LaunchSecret(string Flag, string EnvironmentVariable, string FileName)
{
    public static readonly IReadOnlyList<LaunchSecret> All =
    [
        new(LaunchOption.CameraUrl, "ENCODER_CAMERA_URL", "camera-url"),
        new(LaunchOption.IngestPrimary, "ENCODER_INGEST_PRIMARY", "ingest-primary"),
        new(LaunchOption.IngestSecondary, "ENCODER_INGEST_SECONDARY", "ingest-secondary"),
    ];
}

/// <summary>The value a secret takes and where it came from.</summary>
public sealed record SecretChoice(string Value, SecretSource Source);

/// <summary>What the launcher may read secrets from besides its command line (side effects passed in, so the choice stays pure).</summary>
/// <param name="Environment">An environment variable's value, or null.</param>
/// <param name="ReadFile">The text of a secrets file (<c>-</c>: stdin); throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</param>
public sealed record SecretInputs(Func<string, string?> Environment, Func<string, string> ReadFile)
{
    /// <summary>The process's own environment, files, and stdin.</summary>
    public static SecretInputs Process(TextReader stdin) =>
        new(System.Environment.GetEnvironmentVariable, path => path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path));

    /// <summary>Nothing but the command line.</summary>
    public static readonly SecretInputs None = new(_ => null, _ => throw new IOException("no secrets file may be read here"));
}

/// <summary>
/// Where each secret comes from, in one place: the command line wins (with a WARN), then the secrets file, then the
/// environment. Explicit beats ambient, as with the AWS CLI's options over its environment. Values are never printed.
/// </summary>
public static class SecretSources
{
    public static SecretChoice? Choose(string? commandLine, string? file, string? environment) =>
        commandLine is not null ? new SecretChoice(commandLine, SecretSource.CommandLine)
        : file is not null ? new SecretChoice(file, SecretSource.File)
        : !string.IsNullOrEmpty(environment) ? new SecretChoice(environment, SecretSource.Environment)
        : null;

    /// <summary>The WARN for a secret passed on the command line, or null.</summary>
    public static string? Warning(LaunchSecret secret, SecretChoice? choice)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return choice?.Source == SecretSource.CommandLine
            ? $"WARN: {secret.Flag} on the command line is visible to every user of this machine (ps, /proc); " +
              $"pass it in {secret.EnvironmentVariable} or {LaunchOption.SecretsFile} instead"
            : null;
    }

    /// <summary>
    /// A secrets file: one <c>name=value</c> per line (names: <c>camera-url</c>, <c>ingest-primary</c>,
    /// <c>ingest-secondary</c>), the value verbatim after the first <c>=</c>; blank lines and lines starting with <c>#</c>
    /// are skipped. Problems name the line, never its text.
    /// </summary>
    public static (IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Errors) ParseFile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? line[..eq].Trim() : "";
            if (eq <= 0)
                errors.Add($"{LaunchOption.SecretsFile}: line {i + 1}: expected name=value");
            else if (!LaunchSecret.All.Any(s => s.FileName == name))
                errors.Add($"{LaunchOption.SecretsFile}: line {i + 1}: unknown name (expected {string.Join(", ", LaunchSecret.All.Select(s => s.FileName))})");
            else if (!values.TryAdd(name, line[(eq + 1)..]))
                errors.Add($"{LaunchOption.SecretsFile}: line {i + 1}: {name} given more than once");
        }

        return (values, errors);
    }
}
