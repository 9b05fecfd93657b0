using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Encoder.Configuration;
using Encoder.Lifecycle;
using Encoder.Status;
using Encoder.Storage;

namespace Encoder.Schemas;

/// <summary>
/// The JSON Schemas of the three files other programs read or write: <c>encoder.json</c> (the class's settings),
/// <c>session.json</c> and <c>status.json</c>. Each is exported from the type that is bound or serialized
/// (<see cref="JsonSchemaExporter"/> over the source-generated <see cref="JsonTypeInfo"/>, AOT-safe), so it cannot
/// drift from it; <c>docs/schemas/</c> holds them and a test keeps those files equal to these.
/// </summary>
public static class JsonSchemas
{
    public const string Draft = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>The file names in <c>docs/schemas/</c>, each with its schema.</summary>
    public static IReadOnlyList<(string FileName, Func<string> Text)> All { get; } =
    [
        ("encoder.schema.json", EncoderConfig),
        ("session.schema.json", Session),
        ("status.schema.json", Status),
    ];

    /// <summary><c>session.json</c>: written once, last, at the class's end (<see cref="SessionManifest"/>).</summary>
    public static string Session() => Text(OutputFile(ManifestJson.Default.SessionManifest,
        "session.json: the class at a glance, stored last beside the recording; its arrival says the recording is ready",
        new Dictionary<string, string[]>
        {
            ["outcome"] = [SessionOutcome.Complete, SessionOutcome.Incomplete],
            ["outages.kind"] = [Outage.Camera, Outage.Storage, Outage.Daemon],
            ["missing.gaps.kind"] = [Outage.Camera, Outage.Daemon],
        }));

    /// <summary><c>status.json</c>: the live snapshot, rewritten every second (<see cref="StatusSnapshot"/>).</summary>
    public static string Status() => Text(OutputFile(StatusJsonContext.Default.StatusSnapshot,
        "status.json: the class's live state, rewritten every second (and stored every Status:UploadIntervalSeconds with S3)",
        new Dictionary<string, string[]>
        {
            ["recorder.state"] = States,
            ["ingest.*.state"] = States,
            ["activeSlot"] = ["primary", "secondary"],
        }));

    private static readonly string[] States = [.. Enum.GetNames<OutputState>().Select(s => s.ToLowerInvariant())];

    /// <summary>
    /// <c>/etc/encoder/encoder.json</c>: the <c>Encoder</c> section as <see cref="EncoderOptions"/> declares it (each
    /// key's meaning, default and range from <see cref="EncoderSettings"/>, no other key), the standard
    /// <c>Logging:LogLevel</c> section, and a <c>$schema</c> key for editors. Values may be written as JSON numbers
    /// and booleans or as strings (what <c>encoder launch</c> writes): the configuration reads both.
    /// </summary>
    public static string EncoderConfig()
    {
        var encoder = JsonSchemaExporter.GetJsonSchemaAsNode(OptionsJson.Default.EncoderOptions, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => node is JsonObject schema ? Setting(context, schema) : node,
        }).AsObject();
        encoder.Remove("$schema");
        encoder["description"] = "The class's settings. Keys not listed here are refused at start (exit 2).";

        string[] levels = ["Trace", "Debug", "Information", "Warning", "Error", "Critical", "None"];
        var root = new JsonObject
        {
            ["$schema"] = Draft,
            ["title"] = "encoder.json",
            ["description"] = "Encoder's configuration file (/etc/encoder/encoder.json, or $ENCODER_CONFIG). Environment variables and the command line override it.",
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["$schema"] = new JsonObject { ["type"] = "string", ["description"] = "This schema's location, for editors; the daemon ignores it." },
                [EncoderOptions.SectionName] = encoder,
                ["Logging"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "The standard .NET log levels; any other key under Logging is refused at start.",
                    ["properties"] = new JsonObject
                    {
                        ["LogLevel"] = new JsonObject
                        {
                            ["type"] = "object",
                            ["description"] = "Default (it wins over Encoder:Logging:Level), or a logger name prefix such as Encoder.Storage or Microsoft.",
                            ["additionalProperties"] = new JsonObject { ["enum"] = new JsonArray([.. levels.Select(l => (JsonNode)l)]) },
                        },
                    },
                    ["additionalProperties"] = false,
                },
            },
        };
        return Text(root);
    }

    /// <summary>One node of the options' schema: a section is closed to unknown keys; a key gets its meaning, default, range, and string forms.</summary>
    private static JsonObject Setting(JsonSchemaExporterContext context, JsonObject schema)
    {
        if (context.TypeInfo.Kind == JsonTypeInfoKind.Object)
        {
            schema["additionalProperties"] = false;
            return schema;
        }

        var key = string.Join(':', PropertyPath(context.Path));
        if (context.PropertyInfo is null || EncoderSettings.Find(EncoderSettings.Full(key)) is not { } setting)
            return schema;

        var types = TypesOf(schema);
        types.Remove("null"); // an empty value is the same as none
        if (schema["enum"] is JsonArray values)
        {
            // A nullable enum lists null among its values: an empty value is the same as none, so it is left out.
            schema["enum"] = new JsonArray([.. values.OfType<JsonNode>().Select(v => (JsonNode)OperatorSpelling(v.GetValue<string>()))]);
            types = ["string"];
        }
        else if (types.Contains("integer"))
        {
            types.Add("string");
            schema["pattern"] = @"^\s*-?[0-9]+\s*$";
        }
        else if (types.Contains("number"))
        {
            types.Add("string");
            schema["pattern"] = @"^\s*-?[0-9]+(\.[0-9]+)?\s*$";
        }
        else if (types.Contains("boolean"))
        {
            types.Add("string");
            schema["pattern"] = @"^\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$";
        }

        else if (context.TypeInfo.Type == typeof(TimeSpan) || context.TypeInfo.Type == typeof(TimeSpan?))
        {
            schema["pattern"] = @"^\s*-?(\d+\.)?\d{1,2}:\d{2}(:\d{2}(\.\d{1,7})?)?\s*$"; // hh:mm:ss as TimeSpan.Parse reads it
        }

        schema["type"] = types.Count == 1 ? types[0] : new JsonArray([.. types.Select(t => (JsonNode)t)]);
        var shown = setting.DefaultMarkdown;
        schema["description"] = shown.Length > 2 && shown[0] == '*' && shown[^1] == '*'
            ? $"{setting.Description} {char.ToUpperInvariant(shown[1])}{shown[2..^1]}." // *required*, *required for s3*
            : $"{setting.Description} Default: {shown}.";
        if (setting.Range is { } range)
        {
            schema[range.MinimumIsExclusive ? "exclusiveMinimum" : "minimum"] = Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture);
            schema["maximum"] = Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (setting.Default is { } value && setting.DocumentedDefault is null)
        {
            schema["default"] = value switch
            {
                bool flag => flag,
                int number => number,
                double number => number,
                Enum choice => OperatorSpelling(choice.ToString()),
                TimeSpan span => span.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                var other => other.ToString(),
            };
        }

        return schema;
    }

    /// <summary>Single-word values as operators write them (<c>copy</c>, <c>failover</c>); compound ones as the SDK spells them.</summary>
    private static string OperatorSpelling(string name) => name.Skip(1).Any(char.IsUpper) ? name : name.ToLowerInvariant();

    /// <summary>
    /// A file Encoder writes for other programs: null properties are left out (so a nullable one is optional, never
    /// null) and every other property is always there (required). <paramref name="values"/> names the closed sets of
    /// strings by dotted path (<c>*</c> for any map key).
    /// </summary>
    private static JsonObject OutputFile(JsonTypeInfo type, string title, Dictionary<string, string[]> values)
    {
        var schema = JsonSchemaExporter.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (node is not JsonObject schema)
                    return node;
                if (context.TypeInfo.Kind == JsonTypeInfoKind.Object && schema["properties"] is JsonObject properties)
                {
                    var required = new JsonArray();
                    foreach (var (name, property) in properties)
                    {
                        if (property is not JsonObject p)
                            continue;
                        var types = TypesOf(p);
                        if (types.Remove("null"))
                            p["type"] = types.Count == 1 ? types[0] : new JsonArray([.. types.Select(t => (JsonNode)t)]);
                        else
                            required.Add((JsonNode)name);
                    }

                    schema["required"] = required;
                }

                if (context.PropertyInfo is not null && values.TryGetValue(string.Join('.', PropertyPath(context.Path, anyKey: "*")), out var allowed))
                    schema["enum"] = new JsonArray([.. allowed.Select(v => (JsonNode)v)]);
                return schema;
            },
        }).AsObject();
        var root = new JsonObject { ["$schema"] = Draft, ["title"] = title.Split(':')[0], ["description"] = title };
        foreach (var (name, node) in schema.ToList())
        {
            schema.Remove(name);
            root[name] = node;
        }

        return root;
    }

    /// <summary>The property names along a schema path (<c>properties/Camera/properties/Url</c> → Camera, Url); <c>additionalProperties</c> and <c>items</c> as <paramref name="anyKey"/> or nothing.</summary>
    private static List<string> PropertyPath(ReadOnlySpan<string> path, string? anyKey = null)
    {
        var names = new List<string>();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == "properties" && i + 1 < path.Length)
                names.Add(path[++i]);
            else if (path[i] == "additionalProperties" && anyKey is not null)
                names.Add(anyKey);
        }

        return names;
    }

    private static List<string> TypesOf(JsonObject schema) => schema["type"] switch
    {
        JsonArray array => [.. array.Select(t => t!.GetValue<string>())],
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    private static readonly JsonSerializerOptions Indented = new(SchemaText.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(JsonObject schema) => schema.ToJsonString(Indented).ReplaceLineEndings("\n") + "\n";
}

/// <summary>The options' shape for the schema exporter (the configuration binder, not System.Text.Json, reads the file).</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(EncoderOptions))]
internal sealed partial class OptionsJson : JsonSerializerContext;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class SchemaText : JsonSerializerContext;
