using Serilog.Events;
using Serilog.Formatting;

namespace Encoder.Logging;

/// <summary>
/// Under journald (<c>JOURNAL_STREAM</c> set: stdout is the journal's stream), each line goes out prefixed with its
/// syslog priority (<c>&lt;4&gt;</c>), which journald takes as the line's priority and strips
/// (<c>SyslogLevelPrefix=</c>, on by default), so <c>journalctl -u encoder -p warning</c> shows exactly the warnings,
/// errors and alerts. Every line of an event carries it: journald reads a stream line by line, and an exception's
/// stack trace is part of its error.
/// </summary>
public sealed class JournalPriorityFormatter(ITextFormatter inner) : ITextFormatter
{
    /// <summary>The syslog priority of a level: fatal (the daemon's ALERTs) is crit, then err, warning, info, debug.</summary>
    public static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Fatal => 2,
        LogEventLevel.Error => 3,
        LogEventLevel.Warning => 4,
        LogEventLevel.Information => 6,
        _ => 7,
    };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new StringWriter(output.FormatProvider);
        inner.Format(logEvent, buffer);
        var prefix = $"<{Priority(logEvent.Level)}>";
        foreach (var line in buffer.ToString().Split('\n'))
        {
            var text = line.TrimEnd('\r');
            if (text.Length == 0)
                continue;
            output.Write(prefix);
            output.Write(text);
            output.Write('\n');
        }
    }
}
