using System.Globalization;
using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace Encoder.Logging;

/// <summary>
/// One compact JSON object per event, in the field names of Serilog's compact format (<c>@t</c> time, <c>@l</c> level,
/// <c>@m</c> the rendered message as the text log has it, <c>@x</c> the exception, then the properties), for log
/// shippers. Each text is redacted before it is JSON-escaped, so a secret's mask can never break the JSON (redacting the
/// escaped line would). Strings, numbers and booleans stay typed; anything structured is its rendered text.
/// </summary>
public sealed class RedactedJsonFormatter(SecretRedactor redactor) : ITextFormatter
{
    private static readonly MessageTemplateTextFormatter Message = new("{Message:lj}", CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("@t", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
            json.WriteString("@l", logEvent.Level.ToString());
            using (var message = new StringWriter(CultureInfo.InvariantCulture))
            {
                Message.Format(logEvent, message);
                json.WriteString("@m", redactor.Redact(message.ToString()));
            }

            if (logEvent.Exception is { } exception)
                json.WriteString("@x", redactor.Redact(exception.ToString()));
            foreach (var (name, value) in logEvent.Properties)
            {
                if (name.StartsWith('@'))
                    continue;
                switch (value)
                {
                    case ScalarValue { Value: null }:
                        json.WriteNull(name);
                        break;
                    case ScalarValue { Value: string text }:
                        json.WriteString(name, redactor.Redact(text));
                        break;
                    case ScalarValue { Value: bool flag }:
                        json.WriteBoolean(name, flag);
                        break;
                    case ScalarValue { Value: int or long or short or byte or uint or ulong or ushort or sbyte or double or float or decimal } number:
                        json.WritePropertyName(name);
                        json.WriteRawValue(Convert.ToString(number.Value, CultureInfo.InvariantCulture)!, skipInputValidation: false);
                        break;
                    case ScalarValue scalar:
                        json.WriteString(name, redactor.Redact(Convert.ToString(scalar.Value, CultureInfo.InvariantCulture) ?? ""));
                        break;
                    default:
                        json.WriteString(name, redactor.Redact(value.ToString(null, CultureInfo.InvariantCulture)));
                        break;
                }
            }

            json.WriteEndObject();
        }

        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }
}
