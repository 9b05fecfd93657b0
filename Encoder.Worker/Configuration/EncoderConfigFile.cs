using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace Encoder.Configuration;

/// <summary>Adds the class's config file (what cloud-init writes): <c>$ENCODER_CONFIG</c>, else <c>/etc/encoder/encoder.json</c> when present.</summary>
public static class EncoderConfigFile
{
    public const string EnvironmentVariable = "ENCODER_CONFIG";
    public const string DefaultPath = "/etc/encoder/encoder.json";

    /// <summary>
    /// Adds the file below environment variables and the command line, so those still override it. Returns an error
    /// naming the file (and, for malformed JSON, the line and column), or null. The file is read here, at once.
    /// </summary>
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

        try
        {
            sources.Insert(lastJson + 1, source); // the configuration manager loads the file now
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            sources.Remove(source);
            return Describe(path, ex);
        }

        return null;
    }

    /// <summary>
    /// Where the file is wrong. A JSON syntax error is named by line and column only: the parser's message may quote
    /// part of the file, which holds secrets.
    /// </summary>
    private static string Describe(string path, Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case JsonException { LineNumber: { } line } json:
                    return $"{path}: line {line + 1}, column {(json.BytePositionInLine ?? 0) + 1}: is not valid JSON";
                case IOException or UnauthorizedAccessException:
                    return $"{path}: cannot be read ({inner.Message})";
            }
        }

        // The JSON parses but is not a configuration: a duplicate key (named), or not an object at the top.
        return $"{path}: {(ex is InvalidDataException && ex.InnerException is { } cause ? cause.Message : ex.Message)}";
    }
}
