using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Encoder.Configuration;

/// <summary>
/// Checks every <c>[Range]</c> on <see cref="EncoderOptions"/>. The checks are generated at compile time by
/// Microsoft.Extensions.Options' <c>[OptionsValidator]</c> source generator (no reflection, so Native AOT and trimming
/// stay warning-free); <see cref="Check"/> turns each failure into the daemon's one line per problem, key first.
/// </summary>
[OptionsValidator]
public sealed partial class EncoderOptionsRanges : IValidateOptions<EncoderOptions>
{
    private static readonly EncoderOptionsRanges Instance = new();

    public static IEnumerable<string> Check(EncoderOptions options)
    {
        var result = Instance.Validate(EncoderOptions.SectionName, options);
        return result.Failed ? result.Failures.Select(Describe) : [];
    }

    /// <summary>
    /// The generator reports "TimeoutSeconds: The field Encoder.Camera.TimeoutSeconds must be between 1 and 120.":
    /// the dotted path names the setting, whose range is then worded as docs/configuration.md words it.
    /// </summary>
    private static string Describe(string failure) =>
        FieldPath().Match(failure) is { Success: true } match
        && EncoderSettings.Find(match.Groups["path"].Value.Replace('.', ':')) is { RangeText: { } range } setting
            ? $"{setting.FullKey}: must be {range}"
            : failure;

    [GeneratedRegex(@"The field (?<path>[\w.]+) must be")]
    private static partial Regex FieldPath();
}
