using System.Text.Json;
using Encoder.Preflight;

namespace Encoder.Tests.Preflight;

public sealed class PreflightReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static PreflightReport Report(params CheckStatus[] statuses) =>
        new(T0, TimeSpan.FromSeconds(4.6), [.. statuses.Select((s, i) => new CheckResult($"check{i}", s, $"detail {i}"))]);

    // statuses → exit code, verdict
    [TestCase(new CheckStatus[0], 0, "pass")]
    [TestCase(new[] { CheckStatus.Pass, CheckStatus.Pass }, 0, "pass")]
    [TestCase(new[] { CheckStatus.Pass, CheckStatus.Warn, CheckStatus.Skip }, 0, "pass")]
    [TestCase(new[] { CheckStatus.Pass, CheckStatus.Fail }, 1, "fail")]
    [TestCase(new[] { CheckStatus.Fail, CheckStatus.Warn, CheckStatus.Fail }, 1, "fail")]
    public void Only_a_failed_check_fails_the_preflight(CheckStatus[] statuses, int exitCode, string verdict)
    {
        var report = Report(statuses);

        Assert.That((report.ExitCode, report.Verdict), Is.EqualTo((exitCode, verdict)));
    }

    [Test]
    public void The_summary_names_failures_first_then_warnings_and_nothing_else()
    {
        var report = new PreflightReport(T0, TimeSpan.FromSeconds(3), [
            CheckResult.Pass("camera", "h264 1280x720"),
            CheckResult.Warn("plan", "transcode: the camera sends hevc"),
            CheckResult.Fail("ingest secondary", "connection refused"),
            CheckResult.Skip("clock", "local folder"),
        ]);

        Assert.That(report.Summary, Is.EqualTo("ingest secondary: connection refused; plan: transcode: the camera sends hevc"));
        Assert.That(Report(CheckStatus.Pass, CheckStatus.Skip).Summary, Is.EqualTo("every check passed"));
    }

    [Test]
    public void The_table_has_one_aligned_row_per_check_and_a_verdict_naming_the_failed_checks()
    {
        var report = new PreflightReport(T0, TimeSpan.FromSeconds(4.62), [
            CheckResult.Pass("camera", "h264 640x360 30 fps"),
            CheckResult.Fail("ingest secondary", "connection refused"),
            CheckResult.Skip("clock", "local folder"),
        ]);

        Assert.That(report.ToTable(), Is.EqualTo(
            "CHECK             RESULT  DETAIL\n" +
            "camera            PASS    h264 640x360 30 fps\n" +
            "ingest secondary  FAIL    connection refused\n" +
            "clock             SKIP    local folder\n" +
            "\n" +
            "FAIL: 1 check(s) failed: ingest secondary in 4.6s\n"));
        Assert.That(Report(CheckStatus.Warn).ToTable(), Does.EndWith("\nPASS: every check passed (1 warning(s)) in 4.6s\n"));
    }

    [Test]
    public void The_json_is_the_shape_status_json_carries()
    {
        var json = JsonDocument.Parse(Report(CheckStatus.Pass, CheckStatus.Fail).ToJson()).RootElement;

        Assert.That(json.GetProperty("verdict").GetString(), Is.EqualTo("fail"));
        Assert.That(json.GetProperty("seconds").GetDouble(), Is.EqualTo(4.6));
        Assert.That(json.GetProperty("summary").GetString(), Is.EqualTo("check1: detail 1"));
        Assert.That(json.GetProperty("at").GetDateTimeOffset(), Is.EqualTo(T0));
        Assert.That(json.GetProperty("checks").EnumerateArray().Select(c => (c.GetProperty("check").GetString(), c.GetProperty("status").GetString(), c.GetProperty("detail").GetString())),
            Is.EqualTo(new[] { ("check0", "pass", "detail 0"), ("check1", "fail", "detail 1") }));
    }
}
