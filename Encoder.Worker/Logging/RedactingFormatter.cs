using Serilog.Events;
using Serilog.Formatting;

namespace Encoder.Logging;

/// <summary>Renders an event with the inner formatter, then redacts the whole text: message, properties and exception alike.</summary>
public sealed class RedactingFormatter(ITextFormatter inner, SecretRedactor redactor) : ITextFormatter
{
    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new StringWriter(output.FormatProvider);
        inner.Format(logEvent, buffer);
        output.Write(redactor.Redact(buffer.ToString()));
    }
}
