using System.Globalization;
using Encoder.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Encoder.Logging;

/// <summary>Where the console's lines go: plain lines, journald (each line with its syslog priority), or a terminal with a live status line.</summary>
public enum ConsoleKind
{
    Plain,
    Journald,
    Terminal,
}

/// <summary>
/// Builds the daemon's Serilog logger: the console and a rolling file, both redacted, as text or compact JSON. On the
/// console: under journald each line carries its priority (<see cref="JournalPriorityFormatter"/>) and no timestamp
/// (journald stamps it); on a terminal the last line is the live status (<see cref="TerminalStatusLine"/>).
/// </summary>
public static class EncoderLogging
{
    public const string DaemonLogFileName = "encoder.log";

    private const string Text = "[{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>What the console is, from the environment the daemon was started in.</summary>
    public static ConsoleKind DetectConsole(Func<string, string?> environment, bool outputRedirected)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(environment("JOURNAL_STREAM")))
            return ConsoleKind.Journald;
        return TerminalStatusLine.IsWanted(environment, outputRedirected) ? ConsoleKind.Terminal : ConsoleKind.Plain;
    }

    /// <summary>The console's formatter (redacted; prefixed with the priority under journald).</summary>
    public static ITextFormatter ConsoleFormatter(LogFormat format, ConsoleKind console, SecretRedactor redactor)
    {
        ITextFormatter redacted = format == LogFormat.Json
            ? new RedactedJsonFormatter(redactor)
            : new RedactingFormatter(
                new MessageTemplateTextFormatter(console == ConsoleKind.Journald ? Text : "{Timestamp:HH:mm:ss.fff} " + Text, CultureInfo.InvariantCulture), redactor);
        return console == ConsoleKind.Journald ? new JournalPriorityFormatter(redacted) : redacted;
    }

    /// <summary>The daemon log file's formatter (redacted).</summary>
    public static ITextFormatter FileFormatter(LogFormat format, SecretRedactor redactor) =>
        format == LogFormat.Json
            ? new RedactedJsonFormatter(redactor)
            : new RedactingFormatter(new MessageTemplateTextFormatter("{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} " + Text, CultureInfo.InvariantCulture), redactor);

    /// <param name="terminal">The console's writer when it is a terminal (<see cref="ConsoleKind.Terminal"/>), else null.</param>
    public static Serilog.Core.Logger Create(LogLevels levels, LogFormat format, ConsoleKind console, string? logDirectory, SecretRedactor redactor,
        TerminalStatusLine? terminal = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(levels.Default)
            .Enrich.FromLogContext();
        foreach (var (category, level) in levels.Categories)
            configuration = configuration.MinimumLevel.Override(category, level);
        configuration = terminal is not null
            ? configuration.WriteTo.Sink(terminal)
            : configuration.WriteTo.Console(ConsoleFormatter(format, console, redactor));

        if (logDirectory is not null)
        {
            configuration = configuration.WriteTo.File(
                FileFormatter(format, redactor),
                Path.Combine(logDirectory, DaemonLogFileName),
                fileSizeLimitBytes: 50 * 1024 * 1024,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: 10,
                flushToDiskInterval: TimeSpan.FromSeconds(1));
        }

        return configuration.CreateLogger();
    }
}
