using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace Encoder.Logging;

/// <summary>
/// The daemon's log levels, from the standard .NET keys as an engineer would set them: <c>Logging:LogLevel:Default</c>
/// and <c>Logging:LogLevel:{Category}</c> (a category is a prefix of the logger's name, as in Microsoft.Extensions.Logging),
/// from appsettings, <c>Logging__LogLevel__Default</c> or the command line. <c>Default</c> wins over
/// <c>Encoder:Logging:Level</c>. Anything else under <c>Logging:</c> (provider-specific levels, console options) would be
/// silently ignored by Serilog, so it is refused at start, naming the key that is read instead.
/// </summary>
public sealed record LogLevels(LogEventLevel Default, IReadOnlyDictionary<string, LogEventLevel> Categories)
{
    public const string Section = "Logging";
    public const string LevelSection = "Logging:LogLevel";

    /// <summary>Above <see cref="LogEventLevel.Fatal"/>: nothing is written (<c>None</c>).</summary>
    public const LogEventLevel Off = (LogEventLevel)((int)LogEventLevel.Fatal + 1);

    /// <summary>What the daemon sets when nobody says otherwise: the host's own chatter at warnings, its lifetime lines kept.</summary>
    public static readonly IReadOnlyDictionary<string, LogEventLevel> DefaultCategories = new Dictionary<string, LogEventLevel>(StringComparer.OrdinalIgnoreCase)
    {
        ["Microsoft"] = LogEventLevel.Warning,
        ["Microsoft.Hosting.Lifetime"] = LogEventLevel.Information,
    };

    public static LogLevels Of(LogEventLevel level) => new(level, DefaultCategories);

    /// <summary>Reads the levels (pure over the configuration); the errors name each key that is wrong or not read.</summary>
    /// <param name="encoderLevel"><c>Encoder:Logging:Level</c>, already validated.</param>
    public static (LogLevels Levels, IReadOnlyList<string> Errors) Read(IConfiguration configuration, LogEventLevel encoderLevel)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<string>();
        var level = encoderLevel;
        var categories = new Dictionary<string, LogEventLevel>(DefaultCategories, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.GetSection(Section).AsEnumerable(makePathsRelative: true).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value is null)
                continue;
            var full = $"{Section}:{key}";
            const string levelPrefix = "LogLevel:";
            if (!key.StartsWith(levelPrefix, StringComparison.OrdinalIgnoreCase) || key.Length == levelPrefix.Length)
            {
                errors.Add($"{full}: is not read (Encoder logs through Serilog): set levels with {LevelSection}:Default and {LevelSection}:{{Category}}, the format with Encoder:Logging:Format");
                continue;
            }

            if (Parse(value) is not { } parsed)
            {
                errors.Add($"{full}: '{value}' is not a log level (Trace, Debug, Information, Warning, Error, Critical or None)");
                continue;
            }

            var category = key[levelPrefix.Length..];
            if (category.Equals("Default", StringComparison.OrdinalIgnoreCase))
                level = parsed;
            else
                categories[category] = parsed;
        }

        return (new LogLevels(level, categories), errors);
    }

    /// <summary>A Microsoft.Extensions.Logging level name (any case) as Serilog's; null when it is none.</summary>
    public static LogEventLevel? Parse(string value) => value.Trim().ToUpperInvariant() switch
    {
        "TRACE" => LogEventLevel.Verbose,
        "DEBUG" => LogEventLevel.Debug,
        "INFORMATION" => LogEventLevel.Information,
        "WARNING" => LogEventLevel.Warning,
        "ERROR" => LogEventLevel.Error,
        "CRITICAL" => LogEventLevel.Fatal,
        "NONE" => Off,
        _ => null,
    };
}
