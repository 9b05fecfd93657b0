using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Encoder.Configuration;

/// <summary>Adds the class's config file (what cloud-init writes): <c>$ENCODER_CONFIG</c>, else <c>/etc/encoder/encoder.json</c> when present.</summary>
public static class EncoderConfigFile
{
    public const string EnvironmentVariable = "ENCODER_CONFIG";
    public const string DefaultPath = "/etc/encoder/encoder.json";

    /// <summary>Adds the file below environment variables and the command line, so those still override it. Returns an error, or null.</summary>
    public static string? Add(IConfigurationManager configuration, string? explicitPath = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        explicitPath ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        string path;
        if (!string.IsNullOrEmpty(explicitPath))
        {
            path = Path.GetFullPath(explicitPath);
            if (!File.Exists(path))
                return $"{EnvironmentVariable}: the file {path} does not exist";
        }
        else if (File.Exists(DefaultPath))
        {
            path = DefaultPath;
        }
        else
        {
            return null;
        }

        var source = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        var sources = configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
                lastJson = i;
        }

        sources.Insert(lastJson + 1, source);
        return null;
    }
}
