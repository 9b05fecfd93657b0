using System.Globalization;
using Encoder.Configuration;
using Microsoft.Extensions.Configuration;
using static Encoder.Tests.Configuration.TestConfigurations;

namespace Encoder.Tests.Configuration;

/// <summary>Each setting is declared once, on <see cref="EncoderOptions"/>: docs/configuration.md, the key list and the range checks follow from it.</summary>
public sealed class EncoderSettingsTests
{
    private const string TableHeader = "| key | default | range | meaning |";

    [Test]
    public void The_configuration_doc_table_is_the_options_declaration()
    {
        var docRows = DocTableRows();
        var sourceRows = EncoderSettings.All
            .Select(s => $"| `{s.FullKey}` | {s.DefaultMarkdown} | {s.RangeText} | {s.Description} |".Replace("|  |", "| |", StringComparison.Ordinal))
            .ToList();

        if (!docRows.SequenceEqual(sourceRows))
        {
            var expected = Path.Combine(Path.GetTempPath(), "encoder-configuration-table.md");
            File.WriteAllLines(expected, [TableHeader, "|---|---|---|---|", .. sourceRows]);
            Assert.That(docRows, Is.EqualTo(sourceRows), $"docs/configuration.md's table differs from EncoderOptions; the table as declared is in {expected}");
        }
    }

    [Test]
    public void Every_setting_has_a_one_line_description()
    {
        Assert.That(EncoderSettings.All.Where(s => string.IsNullOrWhiteSpace(s.Description) || s.Description.Contains('\n', StringComparison.Ordinal)).Select(s => s.Key), Is.Empty);
    }

    [Test]
    public void The_key_list_follows_the_declaration_order_and_holds_no_section_names()
    {
        Assert.That(ConfigurationKeys.All.Take(4), Is.EqualTo(new[] { "SessionId", "Camera:Url", "Camera:TimeoutSeconds", "Ingest:Primary" }));
        Assert.That(ConfigurationKeys.All, Does.Not.Contain("Camera").And.Not.Contain("SelfTerminate").And.Unique);
    }

    [TestCase("Camera:TimeoutSeconds", "`5`")]
    [TestCase("Ingest:Mode", "`failover`")]
    [TestCase("Storage:RequestChecksumCalculation", "none")]
    [TestCase("ShutdownTimeout", "`00:02:00`")]
    [TestCase("Ffmpeg:RestartDelaySeconds", "`0.5`")]
    [TestCase("Storage:DeleteLocalAfterUpload", "`true` for s3, `false` for local")]
    [TestCase("Ingest:Secondary", "none")]
    [TestCase("SessionId", "*required*")]
    [TestCase("Logging:Directory", "`{Recording}/{SessionId}/logs`")]
    public void A_default_is_shown_as_the_initializer_sets_it_unless_documented_otherwise(string key, string shown)
    {
        Assert.That(EncoderSettings.Find(EncoderSettings.Full(key))?.DefaultMarkdown, Is.EqualTo(shown));
    }

    private static IEnumerable<TestCaseData> RangeBounds()
    {
        foreach (var setting in EncoderSettings.All.Where(s => s.Range is not null))
        {
            var range = setting.Range!;
            var whole = setting.Default is int;
            var step = whole ? 1 : 0.5;
            double min = Convert.ToDouble(range.Minimum, CultureInfo.InvariantCulture), max = Convert.ToDouble(range.Maximum, CultureInfo.InvariantCulture);
            var expected = $"{setting.FullKey}: must be {setting.RangeText}";
            yield return new TestCaseData(setting.FullKey, Text(range.MinimumIsExclusive ? min : min - step), expected).SetName($"{setting.Key} below its range");
            yield return new TestCaseData(setting.FullKey, Text(max + step), expected).SetName($"{setting.Key} above its range");
            yield return new TestCaseData(setting.FullKey, Text(range.MinimumIsExclusive ? min + 0.01 : min), null).SetName($"{setting.Key} at its lowest");
            yield return new TestCaseData(setting.FullKey, Text(max), null).SetName($"{setting.Key} at its highest");
        }

        static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
    }

    [TestCaseSource(nameof(RangeBounds))]
    public void Each_declared_range_is_enforced_with_one_line_in_the_documented_words(string key, string value, string? expected)
    {
        var values = Valid();
        values[key] = value;
        values["Encoder:ShutdownTimeout"] = "01:00:00"; // so a long FFmpeg stop still fits the stop budget

        var errors = EncoderConfiguration.Load(Build(values), Now).Errors.Where(e => e.StartsWith(key + ":", StringComparison.Ordinal));

        Assert.That(errors, Is.EqualTo(expected is null ? Array.Empty<string>() : new[] { expected }));
    }

    [Test]
    public void The_declared_ranges_are_found_on_the_options()
    {
        Assert.That(RangeBounds().Count(), Is.EqualTo(4 * 28), "each [Range] is tested above; a new one changes this count");
    }

    [Test]
    public void The_binder_knows_every_listed_key()
    {
        var values = Valid();
        foreach (var setting in EncoderSettings.All.Where(s => !values.ContainsKey(s.FullKey)))
            values[setting.FullKey] = setting.Default switch
            {
                null when setting.Key.EndsWith("At", StringComparison.Ordinal) => "2026-11-23T19:00:00Z",
                null when setting.Key == "Session:MaxDuration" => "01:00:00",
                null when setting.Key == "Storage:DeleteLocalAfterUpload" => "true",
                null when setting.Key == "Storage:RequestChecksumCalculation" => "WhenRequired",
                null => "x",
                TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
                IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            };
        var section = Build(values).GetSection(EncoderOptions.SectionName);

        Assert.That(() => section.Get<EncoderOptions>(o => o.ErrorOnUnknownConfiguration = true), Throws.Nothing);
        Assert.That(EncoderConfiguration.UnknownKeys(section), Is.Empty);
    }

    private static List<string> DocTableRows()
    {
        var doc = File.ReadAllLines(Path.Combine(Infrastructure.RepoPaths.Root, "docs", "configuration.md"));
        var header = Array.IndexOf(doc, TableHeader);
        Assert.That(header, Is.GreaterThan(0), $"docs/configuration.md has no line '{TableHeader}'");
        return [.. doc.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))];
    }
}
