using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>The daemon's settings a launched class gets: from the dedicated flags, <c>--set</c>, and the defaults every class has.</summary>
public static class LaunchClassSettings
{
    /// <summary>
    /// What every launched class gets unless <c>--set</c> says otherwise: the recording goes to S3, and the instance
    /// terminates itself once it is stored (falling back to a halt, which terminates it: it is launched with
    /// InstanceInitiatedShutdownBehavior=terminate).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["Encoder:Storage:Kind"] = "s3",
        ["Encoder:SelfTerminate:Enabled"] = "true",
        ["Encoder:SelfTerminate:ShutdownFallback"] = "true",
    };

    /// <summary>The daemon's settings for the class: the dedicated flags, then each <c>--set KEY=VALUE</c>, then <see cref="Defaults"/>.</summary>
    public static Dictionary<string, string> From(Dictionary<string, List<string>> values, List<string> errors)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in LaunchOption.All.Where(o => o.ConfigKey is not null))
        {
            if (values.TryGetValue(option.Flag, out var list))
                settings[option.ConfigKey!] = list[0];
        }

        foreach (var pair in values.GetValueOrDefault(LaunchOption.Set) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? pair[..eq] : "";
            if (!key.StartsWith(EncoderOptions.SectionName + ":", StringComparison.OrdinalIgnoreCase))
                errors.Add(eq > 0 // the key is not quoted: it may be a misplaced URL, e.g. rtsp://user:password@host/?a=b
                    ? $"{LaunchOption.Set}: must be Encoder:KEY=VALUE (the key does not start with Encoder:)"
                    : $"{LaunchOption.Set}: must be Encoder:KEY=VALUE (no '=' found)");
            else if (LaunchOption.ForKey(key) is { } dedicated)
                errors.Add($"{LaunchOption.Set}: {key} has its own option, {dedicated.Flag}");
            else if (!settings.TryAdd(key, pair[(eq + 1)..]))
                errors.Add($"{LaunchOption.Set}: {key} given more than once");
        }

        foreach (var (key, value) in Defaults)
            settings.TryAdd(key, value);
        return settings;
    }
}
