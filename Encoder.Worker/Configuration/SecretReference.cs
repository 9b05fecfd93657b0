using System.Text.RegularExpressions;

namespace Encoder.Configuration;

/// <summary>What a secret setting's value is: the secret itself, a reference to an SSM parameter, or a malformed reference.</summary>
public enum SecretValueKind
{
    Plain,
    Reference,
    Invalid,
}

/// <param name="ParameterName">The SSM parameter's name (<c>/encoder/yoga/camera-url</c>) when a reference, else null.</param>
/// <param name="Problem">Why a reference is malformed, in words that never repeat the value, else null.</param>
public sealed record SecretValue(SecretValueKind Kind, string? ParameterName = null, string? Problem = null);

/// <summary>
/// A secret setting (the camera URL, the ingest URLs) may hold, instead of the secret, a reference to an SSM Parameter
/// Store parameter: <c>ssm:/encoder/{session}/camera-url</c>. The daemon resolves it at start (<see cref="SecretResolution"/>);
/// anything else is the value itself, as in local runs. This is the one place that says what a reference is.
/// </summary>
public static partial class SecretReference
{
    public const string Scheme = "ssm:";

    /// <summary>SSM's limit on a parameter's full name (a path included).</summary>
    public const int MaxNameLength = 1011;

    /// <summary>SSM's limit on a path's depth.</summary>
    public const int MaxLevels = 15;

    /// <summary>The settings that may be references: those that hold secrets, in docs/configuration.md's order.</summary>
    public static readonly IReadOnlyList<string> SecretKeys = ["Camera:Url", "Ingest:Primary", "Ingest:Secondary", "Playback:LiveUrl"];

    public static string Format(string parameterName) => Scheme + parameterName;

    public static SecretValue Parse(string? value)
    {
        if (value is null || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
            return new SecretValue(SecretValueKind.Plain);
        var name = value[Scheme.Length..];
        var problem = NameProblem(name);
        return problem is null
            ? new SecretValue(SecretValueKind.Reference, name)
            : new SecretValue(SecretValueKind.Invalid, Problem: problem);
    }

    /// <summary>Why <paramref name="name"/> is not a parameter path SSM accepts, or null.</summary>
    private static string? NameProblem(string name)
    {
        if (name.Length == 0)
            return "names no SSM parameter (expected ssm:/path/name)";
        if (!name.StartsWith('/'))
            return "must name the parameter by its full path, starting with / (ssm:/path/name)";
        if (name.Length > MaxNameLength)
            return $"names a parameter longer than SSM's {MaxNameLength} characters";
        if (!NameCharacters().IsMatch(name))
            return "names a parameter with characters SSM does not allow (letters, digits, . - _ and / only)";
        var levels = name.Split('/')[1..];
        if (levels.Any(l => l.Length == 0))
            return "names a parameter with an empty path segment (// or a trailing /)";
        if (levels.Length > MaxLevels)
            return $"names a parameter more than {MaxLevels} levels deep";
        if (levels[0].StartsWith("aws", StringComparison.OrdinalIgnoreCase) || levels[0].StartsWith("ssm", StringComparison.OrdinalIgnoreCase))
            return "names a parameter under /aws or /ssm, which SSM reserves";
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_.\\-/]+$")]
    private static partial Regex NameCharacters();
}
