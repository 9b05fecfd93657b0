using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace Encoder.Configuration;

/// <summary>One key under <c>Encoder:</c>, as <see cref="EncoderOptions"/> declares it.</summary>
/// <param name="Key">Relative to the section, e.g. <c>Camera:TimeoutSeconds</c>.</param>
/// <param name="Default">The initializer's value (null when there is none).</param>
/// <param name="DocumentedDefault">docs/configuration.md's default when the initializer does not say it (<see cref="DocumentedDefaultAttribute"/>).</param>
/// <param name="Range">The allowed range, checked by <see cref="EncoderOptionsRanges"/>; null when any value (or a rule in code) goes.</param>
public sealed record Setting(string Key, string Description, object? Default, string? DocumentedDefault, RangeAttribute? Range)
{
    public string FullKey => EncoderSettings.Full(Key);

    /// <summary>The default as docs/configuration.md's table shows it: <c>`5`</c>, <c>`failover`</c>, <c>`00:02:00`</c>, <c>none</c>.</summary>
    public string DefaultMarkdown => DocumentedDefault ?? Default switch
    {
        null => "none",
        TimeSpan span => $"`{span:c}`",
        bool flag => flag ? "`true`" : "`false`",
        Enum value => $"`{EnumText(value)}`",
        IFormattable number => $"`{number.ToString(null, CultureInfo.InvariantCulture)}`",
        var other => $"`{other}`",
    };

    /// <summary>The range in words, e.g. "between 1 and 120"; the validator's error is "must be " and this.</summary>
    public string? RangeText => Range switch
    {
        null => null,
        { MinimumIsExclusive: true } r => $"more than {Number(r.Minimum)} and at most {Number(r.Maximum)}",
        var r => $"between {Number(r.Minimum)} and {Number(r.Maximum)}",
    };

    private static string Number(object bound) => Convert.ToString(bound, CultureInfo.InvariantCulture)!;

    /// <summary>Single-word values as operators write them (<c>copy</c>, <c>failover</c>); compound names as the SDK spells them (<c>WhenSupported</c>).</summary>
    private static string EnumText(Enum value)
    {
        var name = value.ToString();
        return name.Skip(1).Any(char.IsUpper) ? name : name.ToLowerInvariant();
    }
}

/// <summary>
/// Every setting the daemon reads, derived from <see cref="EncoderOptions"/> and its section records (their
/// properties, in declaration order, with their attributes): the one list that unknown keys are checked against,
/// that <c>encoder launch</c> orders a class's file by, and that docs/configuration.md's table is tested against.
/// </summary>
public static class EncoderSettings
{
    public static IReadOnlyList<Setting> All { get; } = [.. Of<EncoderOptions>("", new EncoderOptions())];

    /// <summary>The full key as an operator writes it, e.g. <c>Encoder:Camera:Url</c>.</summary>
    public static string Full(string key) => $"{EncoderOptions.SectionName}:{key}";

    /// <summary>The setting with this full key (any case), if there is one.</summary>
    public static Setting? Find(string fullKey) =>
        All.FirstOrDefault(s => string.Equals(s.FullKey, fullKey, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<Setting> Of<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(string prefix, T defaults)
        where T : notnull
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(defaults);
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
            {
                foreach (var setting in Section($"{prefix}{property.Name}:", value!))
                    yield return setting;
                continue;
            }

            yield return new Setting(
                prefix + property.Name,
                property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "",
                value,
                property.GetCustomAttribute<DocumentedDefaultAttribute>()?.Markdown,
                property.GetCustomAttribute<RangeAttribute>());
        }
    }

    /// <summary>Spelled out per section type so trimming keeps each one's properties (no reflection over unknown types).</summary>
    private static IEnumerable<Setting> Section(string prefix, object defaults) => defaults switch
    {
        CameraOptions o => Of(prefix, o),
        IngestOptions o => Of(prefix, o),
        TlsOptions o => Of(prefix, o),
        RecordingOptions o => Of(prefix, o),
        VideoOptions o => Of(prefix, o),
        StorageOptions o => Of(prefix, o),
        AwsOptions o => Of(prefix, o),
        SessionOptions o => Of(prefix, o),
        SelfTerminateOptions o => Of(prefix, o),
        FfmpegOptions o => Of(prefix, o),
        MetricsOptions o => Of(prefix, o),
        LoggingOptions o => Of(prefix, o),
        StatusOptions o => Of(prefix, o),
        PlaybackOptions o => Of(prefix, o),
        ContentOptions o => Of(prefix, o),
        ReplayOptions o => Of(prefix, o),
        _ => throw new InvalidOperationException($"{prefix}: add the section type {defaults.GetType().Name} to EncoderSettings.Section"),
    };
}
