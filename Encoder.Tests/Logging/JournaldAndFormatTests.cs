using System.Text.Json;
using Encoder.Configuration;
using Encoder.Logging;
using Microsoft.Extensions.Configuration;
using Serilog.Events;
using Serilog.Formatting.Display;
using Serilog.Parsing;

namespace Encoder.Tests.Logging;

/// <summary>
/// What reaches journald and log shippers: every line with its syslog priority under journald (so `journalctl -p
/// warning` shows exactly the warnings and errors), the standard Logging:LogLevel keys honoured, compact JSON redacted.
/// </summary>
public sealed class JournaldAndFormatTests
{
    private const string StreamKey = "sk-live-Secret-42";
    private static readonly SecretRedactor Redactor = SecretRedactor.For(new EncoderOptions
    {
        Camera = new CameraOptions { Url = "rtsp://admin:cam-Secret-9@10.0.0.5/stream1" },
        Ingest = new IngestOptions { Primary = $"rtmp://a.example.com/live/{StreamKey}" },
    });

    private static LogEvent Event(LogEventLevel level, Exception? exception = null, string category = "Encoder.Egress.IngestRouter") =>
        new(DateTimeOffset.UtcNow, level, exception, new MessageTemplateParser().Parse("Ingest {Url} failed over"),
            [new LogEventProperty("Url", new ScalarValue($"rtmp://a.example.com/live/{StreamKey}")), new LogEventProperty("SourceContext", new ScalarValue(category))]);

    private static string Journald(LogEvent logEvent)
    {
        using var output = new StringWriter();
        EncoderLogging.ConsoleFormatter(LogFormat.Text, ConsoleKind.Journald, Redactor).Format(logEvent, output);
        return output.ToString();
    }

    [TestCase(LogEventLevel.Verbose, "<7>")]
    [TestCase(LogEventLevel.Debug, "<7>")]
    [TestCase(LogEventLevel.Information, "<6>")]
    [TestCase(LogEventLevel.Warning, "<4>")]
    [TestCase(LogEventLevel.Error, "<3>")]
    [TestCase(LogEventLevel.Fatal, "<2>")]
    public void Under_journald_a_line_starts_with_the_syslog_priority_of_its_level(LogEventLevel level, string prefix)
    {
        var line = Journald(Event(level));

        Assert.That(line, Does.StartWith(prefix + "[").And.EndWith("failed over\n"));
        Assert.That(line, Does.Contain("live/***").And.Not.Contain(StreamKey), "redacted before the prefix is added");
    }

    [Test]
    public void Under_journald_every_line_of_an_error_with_its_stack_trace_is_an_error()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("first line\nsecond line");
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex;
        }

        var lines = Journald(Event(LogEventLevel.Error, thrown)).TrimEnd('\n').Split('\n');

        Assert.That(lines, Has.Length.GreaterThanOrEqualTo(4));
        Assert.That(lines, Is.All.StartWith("<3>"));
    }

    [Test]
    public void Under_journald_the_line_carries_no_timestamp_and_elsewhere_it_does()
    {
        using var plain = new StringWriter();
        EncoderLogging.ConsoleFormatter(LogFormat.Text, ConsoleKind.Plain, Redactor).Format(Event(LogEventLevel.Warning), plain);

        Assert.That(Journald(Event(LogEventLevel.Warning)), Does.StartWith("<4>[WRN] Encoder.Egress.IngestRouter: Ingest"));
        Assert.That(plain.ToString(), Does.Match(@"^\d\d:\d\d:\d\d\.\d{3} \[WRN\]"));
    }

    [TestCase("JOURNAL_STREAM", "8:1234", true, ConsoleKind.Journald)]
    [TestCase("TERM", "xterm-256color", false, ConsoleKind.Terminal)]
    [TestCase("TERM", "xterm-256color", true, ConsoleKind.Plain, TestName = "Output into a pipe or file is plain")]
    [TestCase("TERM", "dumb", false, ConsoleKind.Plain)]
    [TestCase("NOTIFY_SOCKET", "/run/systemd/notify", false, ConsoleKind.Plain, TestName = "Under a notify supervisor there is no live line")]
    public void The_console_kind_follows_the_environment(string variable, string value, bool redirected, ConsoleKind kind)
    {
        var environment = new Dictionary<string, string> { [variable] = value };
        if (variable != "TERM")
            environment["TERM"] = "xterm";

        Assert.That(EncoderLogging.DetectConsole(environment.GetValueOrDefault, redirected), Is.EqualTo(kind));
    }

    [Test]
    public void The_compact_JSON_format_is_one_object_per_line_with_the_rendered_message_level_and_properties_redacted()
    {
        using var output = new StringWriter();

        EncoderLogging.ConsoleFormatter(LogFormat.Json, ConsoleKind.Plain, Redactor).Format(Event(LogEventLevel.Warning), output);

        var text = output.ToString();
        Assert.That(text.TrimEnd('\n'), Does.Not.Contain('\n'));
        Assert.That(text, Does.Not.Contain(StreamKey));
        using var json = JsonDocument.Parse(text);
        Assert.That(json.RootElement.GetProperty("@l").GetString(), Is.EqualTo("Warning"));
        Assert.That(json.RootElement.GetProperty("@m").GetString(), Is.EqualTo("Ingest rtmp://a.example.com/live/*** failed over"));
        Assert.That(json.RootElement.GetProperty("Url").GetString(), Is.EqualTo("rtmp://a.example.com/live/***"));
        Assert.That(json.RootElement.GetProperty("SourceContext").GetString(), Is.EqualTo("Encoder.Egress.IngestRouter"));
        Assert.That(json.RootElement.TryGetProperty("@t", out _), Is.True);
    }

    [Test]
    public void The_compact_JSON_format_under_journald_still_carries_the_priority()
    {
        using var output = new StringWriter();

        EncoderLogging.ConsoleFormatter(LogFormat.Json, ConsoleKind.Journald, Redactor).Format(Event(LogEventLevel.Error), output);

        Assert.That(output.ToString(), Does.StartWith("<3>{\"@t\":\"").And.EndWith("}\n"));
    }

    private static (LogLevels Levels, IReadOnlyList<string> Errors) Read(params (string Key, string Value)[] settings) =>
        LogLevels.Read(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            LogEventLevel.Information);

    [Test]
    public void Without_Logging_keys_the_Encoder_level_and_the_daemon_s_category_defaults_hold()
    {
        var (levels, errors) = Read();

        Assert.That(errors, Is.Empty);
        Assert.That(levels.Default, Is.EqualTo(LogEventLevel.Information));
        Assert.That(levels.Categories["Microsoft"], Is.EqualTo(LogEventLevel.Warning));
    }

    [Test]
    public void The_standard_LogLevel_keys_set_the_default_and_each_category_in_Microsoft_s_names()
    {
        var (levels, errors) = Read(("Logging:LogLevel:Default", "warning"), ("Logging:LogLevel:Encoder.Storage", "Trace"),
            ("Logging:LogLevel:Microsoft", "Critical"), ("Logging:LogLevel:Encoder.Status", "None"));

        Assert.That(errors, Is.Empty);
        Assert.That(levels.Default, Is.EqualTo(LogEventLevel.Warning));
        Assert.That((levels.Categories["Encoder.Storage"], levels.Categories["Microsoft"], levels.Categories["Encoder.Status"]),
            Is.EqualTo((LogEventLevel.Verbose, LogEventLevel.Fatal, LogLevels.Off)));
    }

    [TestCase("Logging:LogLevel:Default", "Loud", "Logging:LogLevel:Default: 'Loud' is not a log level (Trace, Debug, Information, Warning, Error, Critical or None)")]
    [TestCase("Logging:LogLevel:Encoder", "4", "Logging:LogLevel:Encoder: '4' is not a log level (Trace, Debug, Information, Warning, Error, Critical or None)")]
    [TestCase("Logging:Console:LogLevel:Default", "Debug", "Logging:Console:LogLevel:Default: is not read (Encoder logs through Serilog): set levels with Logging:LogLevel:Default and Logging:LogLevel:{Category}, the format with Encoder:Logging:Format")]
    [TestCase("Logging:Console:FormatterName", "json", "Logging:Console:FormatterName: is not read (Encoder logs through Serilog): set levels with Logging:LogLevel:Default and Logging:LogLevel:{Category}, the format with Encoder:Logging:Format")]
    public void A_Logging_key_that_is_wrong_or_not_read_stops_the_start_naming_it(string key, string value, string error)
    {
        Assert.That(Read((key, value)).Errors, Is.EqualTo(new[] { error }));
    }

    [TestCase(LogFormat.Text)]
    [TestCase(LogFormat.Json)]
    public void The_logger_writes_what_the_levels_allow_per_category_in_the_chosen_format(LogFormat format)
    {
        var directory = Directory.CreateTempSubdirectory("encoder-logging-").FullName;
        try
        {
            var (levels, _) = Read(("Logging:LogLevel:Default", "Warning"), ("Logging:LogLevel:Encoder.Storage", "Debug"));
            using (var logger = EncoderLogging.Create(levels, format, ConsoleKind.Plain, directory, Redactor))
            {
                logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Encoder.Egress.IngestRouter").Information("router info {Url}", Url());
                logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Encoder.Egress.IngestRouter").Warning("router warning {Url}", Url());
                logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Encoder.Storage.UploadPass").Debug("storage debug {Url}", Url());
                logger.ForContext(Serilog.Core.Constants.SourceContextPropertyName, "Microsoft.Hosting.Lifetime").Information("lifetime info");
            }

            var lines = File.ReadAllLines(Path.Combine(directory, EncoderLogging.DaemonLogFileName));
            Assert.That(lines.Select(l => l.Contains("router warning", StringComparison.Ordinal) ? "warning"
                : l.Contains("storage debug", StringComparison.Ordinal) ? "debug"
                : l.Contains("lifetime info", StringComparison.Ordinal) ? "lifetime" : l), Is.EqualTo(new[] { "warning", "debug", "lifetime" }));
            Assert.That(string.Join('\n', lines), Does.Not.Contain(StreamKey));
            if (format == LogFormat.Json)
                Assert.That(lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("@m").GetString()), Has.Exactly(3).Not.Null);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        static string Url() => $"rtmp://a.example.com/live/{StreamKey}";
    }

    [Test]
    public void A_log_line_on_a_terminal_clears_the_status_line_scrolls_above_it_and_the_status_is_drawn_again()
    {
        using var output = new StringWriter();
        using var terminal = new TerminalStatusLine(new MessageTemplateTextFormatter("{Message:lj}{NewLine}", null), output, () => 40);

        terminal.Show("on primary | 25.0 fps");
        terminal.Emit(Event(LogEventLevel.Warning));
        terminal.Show("on secondary | 24.9 fps | a line far too long for forty columns");

        Assert.That(output.ToString().Replace("\u001b[K", "<EL>", StringComparison.Ordinal), Is.EqualTo(
            "\r<EL>on primary | 25.0 fps"
            + "\r<EL>Ingest rtmp://a.example.com/live/sk-live-Secret-42 failed over\non primary | 25.0 fps"
            + "\r<EL>on secondary | 24.9 fps | a line far t…"));
    }

    [TestCase(0, 60, TestName = "A terminal that reports no columns is taken to be 120 wide")]
    [TestCase(30, 28, TestName = "A narrow terminal cuts the line one short of its width, with an ellipsis")]
    public void The_status_line_never_wraps(int columns, int shown)
    {
        using var output = new StringWriter();
        using var terminal = new TerminalStatusLine(new MessageTemplateTextFormatter("{Message:lj}{NewLine}", null), output, () => columns);

        terminal.Show(new string('x', 60));

        Assert.That(output.ToString()["\r\u001b[K".Length..], Has.Length.EqualTo(shown + (shown < 60 ? 1 : 0)));
    }

    [Test]
    public void Before_any_status_a_terminal_log_line_is_written_as_it_is_and_at_the_end_the_status_line_is_cleared()
    {
        using var output = new StringWriter();
        var terminal = new TerminalStatusLine(new MessageTemplateTextFormatter("{Message:lj}{NewLine}", null), output, () => 80);

        terminal.Emit(Event(LogEventLevel.Information));
        terminal.Show("x");
        terminal.Dispose();
        terminal.Emit(Event(LogEventLevel.Information));

        var line = "Ingest rtmp://a.example.com/live/sk-live-Secret-42 failed over\n";
        Assert.That(output.ToString(), Is.EqualTo(line + "\r\u001b[Kx\r\u001b[K" + line));
    }
}
