using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Encoder.Events;

namespace Encoder.Preflight;

/// <summary>How one check ended. Only <see cref="Fail"/> fails the pre-flight; <see cref="Warn"/> is for a person to read.</summary>
public enum CheckStatus
{
    /// <summary>Checked, and fine.</summary>
    Pass,

    /// <summary>Checked, works, but something is worth knowing before the class (the camera sends HEVC: it will be transcoded).</summary>
    Warn,

    /// <summary>Checked, and the class would suffer (the camera is down, an ingest refuses, storage denies).</summary>
    Fail,

    /// <summary>Does not apply here (a local folder has no S3 clock), or could not be asked (what it needs failed first).</summary>
    Skip,
}

/// <summary>One row of the pre-flight: the check's name, how it ended, what it found (redacted: never a URL's secret).</summary>
public sealed record CheckResult(string Check, CheckStatus Status, string Detail)
{
    public static CheckResult Pass(string check, string detail) => new(check, CheckStatus.Pass, detail);

    public static CheckResult Warn(string check, string detail) => new(check, CheckStatus.Warn, detail);

    public static CheckResult Fail(string check, string detail) => new(check, CheckStatus.Fail, detail);

    public static CheckResult Skip(string check, string detail) => new(check, CheckStatus.Skip, detail);
}

/// <summary>
/// The pre-flight's outcome (pure): every check's row, in a fixed order, when it ran and how long it took. It passes
/// when no check failed (warnings and skips pass); <c>encoder check</c> exits <see cref="ExitCode"/>.
/// </summary>
public sealed record PreflightReport(DateTimeOffset At, TimeSpan Took, IReadOnlyList<CheckResult> Checks)
{
    public bool Passed => Checks.All(c => c.Status != CheckStatus.Fail);

    /// <summary>0 when every check passed (or only warned or did not apply), 1 when one failed.</summary>
    public int ExitCode => Passed ? ExitCodes.Clean : ExitCodes.Failure;

    public string Verdict => Passed ? "pass" : "fail";

    /// <summary>
    /// One line for a person: each failure, then each warning, as "check: detail" joined by "; "; "every check passed"
    /// when there is neither.
    /// </summary>
    public string Summary
    {
        get
        {
            var notable = Checks.Where(c => c.Status == CheckStatus.Fail).Concat(Checks.Where(c => c.Status == CheckStatus.Warn))
                .Select(c => $"{c.Check}: {c.Detail}").ToList();
            return notable.Count == 0 ? "every check passed" : string.Join("; ", notable);
        }
    }

    /// <summary>The status's word for a check, as the table, the JSON, status.json and session.json spell it.</summary>
    public static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "warn",
        CheckStatus.Fail => "fail",
        _ => "skip",
    };

    /// <summary>What the daemon publishes (primitive fields, <see cref="PreflightCompleted"/>).</summary>
    public PreflightCompleted ToEvent() =>
        new(At, Verdict, Math.Round(Took.TotalSeconds, 1), Summary, [.. Checks.Select(c => new PreflightCheckOutcome(c.Check, Word(c.Status), c.Detail))]);

    /// <summary>
    /// The table <c>encoder check</c> prints: one row per check (CHECK, RESULT, DETAIL), then the verdict and the time it
    /// took. Columns are padded to the longest name; details are not wrapped (a terminal wraps them).
    /// </summary>
    public string ToTable()
    {
        var width = Math.Max("CHECK".Length, Checks.Count == 0 ? 0 : Checks.Max(c => c.Check.Length));
        var text = new StringBuilder();
        text.Append("CHECK".PadRight(width)).Append("  RESULT  DETAIL\n");
        foreach (var check in Checks)
            text.Append(check.Check.PadRight(width)).Append("  ").Append(Word(check.Status).ToUpperInvariant().PadRight(6)).Append("  ").Append(check.Detail).Append('\n');
        var failed = Checks.Count(c => c.Status == CheckStatus.Fail);
        text.Append(CultureInfo.InvariantCulture, $"\n{(Passed ? "PASS" : "FAIL")}: ")
            .Append(Passed
                ? $"every check passed ({Checks.Count(c => c.Status == CheckStatus.Warn)} warning(s))"
                : $"{failed} check(s) failed: {string.Join(", ", Checks.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Check))}")
            .Append(CultureInfo.InvariantCulture, $" in {Took.TotalSeconds:0.0}s\n");
        return text.ToString();
    }

    /// <summary><c>encoder check --json</c>: the same shape as status.json's and session.json's <c>preflight</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(ToEvent(), PreflightJson.Default.PreflightCompleted);
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PreflightCompleted))]
internal sealed partial class PreflightJson : JsonSerializerContext;
