using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Encoder.Logging;

/// <summary>
/// On a terminal (a laptop's <c>dev/demo</c>), the console's last line is a live status that refreshes in place, with the
/// log lines scrolling above it: a log line clears the status line (<c>\r</c>, erase to the end of the line), is written
/// with its newline, and the status is drawn again after it, without a newline. One lock orders both writers, so a log
/// line never lands inside the status. Only when stdout is a terminal and the daemon is not under systemd
/// (<see cref="IsWanted"/>); elsewhere the console gets plain lines.
/// </summary>
public sealed class TerminalStatusLine(ITextFormatter formatter, TextWriter output, Func<int> width) : ILogEventSink, IDisposable
{
    private const string ClearLine = "\r\u001b[K";
    private readonly Lock _lock = new();
    private string _status = "";

    /// <summary>True on an interactive terminal outside systemd (no journal stream, no notify socket) that understands ANSI erase.</summary>
    public static bool IsWanted(Func<string, string?> environment, bool outputRedirected)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !outputRedirected
            && string.IsNullOrEmpty(environment("JOURNAL_STREAM"))
            && string.IsNullOrEmpty(environment("NOTIFY_SOCKET"))
            && environment("TERM") is { Length: > 0 } term && term != "dumb";
    }

    /// <summary>For the process's own console: the terminal's width now, 80 when it cannot be read.</summary>
    public static TerminalStatusLine ForConsole(ITextFormatter formatter) => new(formatter, Console.Out, () =>
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    });

    public void Emit(LogEvent logEvent)
    {
        using var buffer = new StringWriter(output.FormatProvider);
        formatter.Format(logEvent, buffer);
        lock (_lock)
        {
            if (_status.Length > 0)
                output.Write(ClearLine);
            output.Write(buffer.ToString());
            output.Write(Fit(_status));
            output.Flush();
        }
    }

    /// <summary>Replaces the status line (redrawn in place at once).</summary>
    public void Show(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        lock (_lock)
        {
            _status = status.ReplaceLineEndings(" ");
            output.Write(ClearLine);
            output.Write(Fit(_status));
            output.Flush();
        }
    }

    /// <summary>Removes the status line (at exit), leaving the cursor at the start of an empty line.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_status.Length == 0)
                return;
            _status = "";
            output.Write(ClearLine);
            output.Flush();
        }
    }

    /// <summary>Cut to the terminal's width less one: a line that wraps could not be redrawn with <c>\r</c>. A terminal that says
    /// it has no columns (a pseudo-terminal nobody sized) is taken to have 120.</summary>
    private string Fit(string status)
    {
        var columns = width();
        var max = Math.Max(10, (columns > 0 ? columns : 120) - 1);
        return status.Length <= max ? status : status[..(max - 1)] + "…";
    }
}
