using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>Renders flat configuration keys (<c>Encoder:Camera:Url</c>) as the nested JSON of <c>/etc/encoder/encoder.json</c>.</summary>
public static class ClassConfigJson
{
    /// <summary>Keys in docs/configuration.md's order (the order of <see cref="ConfigurationKeys.All"/>), any others after them; every value a JSON string.</summary>
    public static string Render(IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = new JsonObject();
        foreach (var (key, value) in settings.OrderBy(kv => Rank(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var parts = key.Split(':');
            var node = root;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = new JsonObject();
                    node[part] = child;
                }

                node = child;
            }

            node[parts[^1]] = JsonValue.Create(value);
        }

        return JsonSerializer.Serialize(root, LaunchJsonContext.Default.JsonObject);
    }

    private static int Rank(string fullKey)
    {
        var prefix = EncoderOptions.SectionName + ":";
        if (!fullKey.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            return int.MaxValue;
        var index = ConfigurationKeys.All.ToList().FindIndex(k => string.Equals(k, fullKey[prefix.Length..], StringComparison.OrdinalIgnoreCase));
        return index < 0 ? int.MaxValue - 1 : index;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class LaunchJsonContext : JsonSerializerContext;
