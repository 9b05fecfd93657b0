using Microsoft.Extensions.Configuration;

namespace Encoder.Configuration;

/// <summary>The result of reading the <c>Encoder</c> section: usable options, or the problems that stop the start.</summary>
public sealed record ConfigurationResult(EncoderOptions Options, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>Turns configuration into validated <see cref="EncoderOptions"/>: unknown keys, binding and values, all checked before anything starts.</summary>
public static partial class EncoderConfiguration
{
    /// <param name="sessionRecorded">Whether this machine holds a recording of the session (see <see cref="EncoderOptionsValidator.Validate"/>).</param>
    public static ConfigurationResult Load(IConfiguration configuration, DateTimeOffset now, Func<EncoderOptions, bool>? sessionRecorded = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(EncoderOptions.SectionName);
        var errors = new List<string>(UnknownKeys(section));

        EncoderOptions options;
        try
        {
            options = section.Get<EncoderOptions>() ?? new EncoderOptions();
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(DescribeBindingError(ex.Message));
            return new ConfigurationResult(new EncoderOptions(), errors);
        }

        errors.AddRange(EncoderOptionsValidator.Validate(options, now, sessionRecorded));
        return new ConfigurationResult(options, errors);
    }

    /// <summary>Puts the key first in the binder's "Failed to convert configuration value 'x' at 'Key' to type 'T'."</summary>
    private static string DescribeBindingError(string message)
    {
        var match = BindingError().Match(message);
        return match.Success
            ? $"{match.Groups["key"].Value}: cannot be read as {FriendlyType(match.Groups["type"].Value)} (got '{match.Groups["value"].Value}')"
            : message;
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.Int32" => "a whole number",
        "System.Double" => "a number",
        "System.Boolean" => "true or false",
        "System.TimeSpan" => "a duration (hh:mm:ss)",
        "System.DateTimeOffset" => "an ISO-8601 instant (e.g. 2026-11-23T18:00:00Z)",
        _ when type.StartsWith("Encoder.Configuration.", StringComparison.Ordinal) => $"one of {string.Join(", ", KnownValues(type))}",
        _ => type,
    };

    private static IEnumerable<string> KnownValues(string type) => type switch
    {
        "Encoder.Configuration.VideoMode" => ["auto", "copy", "transcode"],
        "Encoder.Configuration.StorageKind" => ["local", "s3"],
        "Encoder.Configuration.IngestMode" => ["failover", "redundant"],
        "Encoder.Configuration.ChecksumCalculation" => ["WhenSupported", "WhenRequired"],
        "Encoder.Configuration.LogFormat" => ["text", "json"],
        _ => [type],
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex BindingError();

    /// <summary>One error per key under <c>Encoder:</c> that the daemon does not read, with the nearest known key as a hint.</summary>
    public static IEnumerable<string> UnknownKeys(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is null || ConfigurationKeys.All.Contains(key, StringComparer.OrdinalIgnoreCase))
                continue;
            var nearest = ConfigurationKeys.All.MinBy(known => EditDistance(known.ToUpperInvariant(), key.ToUpperInvariant()))!;
            var hint = EditDistance(nearest.ToUpperInvariant(), key.ToUpperInvariant()) <= 3
                ? $" (did you mean {ConfigurationKeys.Full(nearest)}?)"
                : "";
            yield return $"{ConfigurationKeys.Full(key)}: is not a known key{hint}";
        }
    }

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
