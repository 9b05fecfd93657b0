using Serilog;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Encoder.Logging;

/// <summary>Builds the daemon's Serilog logger: console (plain under journald, which stamps time itself) and a rolling file, both redacted.</summary>
public static class EncoderLogging
{
    public const string DaemonLogFileName = "encoder.log";

    public static Serilog.Core.Logger Create(LogEventLevel level, string? logDirectory, SecretRedactor redactor)
    {
        var underJournald = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));
        var consoleTemplate = underJournald
            ? "[{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}"
            : "{Timestamp:HH:mm:ss.fff} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";
        const string fileTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RedactingFormatter(new MessageTemplateTextFormatter(consoleTemplate, System.Globalization.CultureInfo.InvariantCulture), redactor));

        if (logDirectory is not null)
        {
            configuration = configuration.WriteTo.File(
                new RedactingFormatter(new MessageTemplateTextFormatter(fileTemplate, System.Globalization.CultureInfo.InvariantCulture), redactor),
                Path.Combine(logDirectory, DaemonLogFileName),
                fileSizeLimitBytes: 50 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 10,
                flushToDiskInterval: TimeSpan.FromSeconds(1));
        }

        return configuration.CreateLogger();
    }
}
