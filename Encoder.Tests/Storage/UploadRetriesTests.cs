using Encoder.Events;
using Encoder.Resilience;
using Encoder.Storage;

namespace Encoder.Tests.Storage;

/// <summary>Whose failure it is, the object's or the storage's (<see cref="UploadRetries"/>): table tests over passes written as scripts.</summary>
public sealed class UploadRetriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// <paramref name="passes"/>: passes split by <c>|</c>; in each, <c>A</c> is stored, <c>A!</c> fails (a 4xx/5xx, an
    /// unreadable file), <c>A!!</c> fails storage-wide (unreachable, no such bucket). The result is each pass's verdicts,
    /// then <c>=</c> what the pass showed about the storage and <c>stuck</c> the objects blamed so far.
    /// </summary>
    [TestCase("A B", "A+ B+ =Works stuck:",
        TestName = "Objects that go up: the storage works and nothing is stuck")]
    [TestCase("A! B C", "A? B+ C+ =Works stuck:A",
        TestName = "An object that fails while the next goes up failed on its own, and the pass went on")]
    [TestCase("A! B!", "A? B:StorageDown =Down stuck:",
        TestName = "Two objects failing in a row is the storage: an outage, and neither is blamed")]
    [TestCase("A!! B", "A:StorageDown =Down stuck:",
        TestName = "A storage-wide failure stops the pass at once")]
    [TestCase("A!", "A? =Unknown stuck:",
        TestName = "A lone failure tells nothing: no outage, nobody blamed, tried again on the next pass")]
    [TestCase("A! | A! B", "A? =Unknown stuck: | A? B+ =Works stuck:A",
        TestName = "A lone failure is the object's once the next object goes up")]
    [TestCase("B A!", "B+ A? =Works stuck:A",
        TestName = "A failure after an object went up in the same pass is the object's")]
    [TestCase("A! B | A! C! D", "A? B+ =Works stuck:A | A:ObjectFails C? D+ =Works stuck:A,C",
        TestName = "An object known to fail on its own is no evidence of an outage: the next failure is judged alone")]
    [TestCase("A! B | A! C!", "A? B+ =Works stuck:A | A:ObjectFails C? =Unknown stuck:A",
        TestName = "A known failing object and a new failure with nothing stored tell nothing: the new one is not blamed")]
    [TestCase("A! B | A! | A", "A? B+ =Works stuck:A | A:ObjectFails =Unknown stuck:A | A+ =Works stuck:",
        TestName = "Only a known failing object tried: nothing learned about the storage; stored, it is forgotten")]
    [TestCase("A! B | A!!", "A? B+ =Works stuck:A | A:StorageDown =Down stuck:A",
        TestName = "A storage-wide failure is never an object's, even one already stuck")]
    [TestCase("", " =Works stuck:",
        TestName = "Nothing to store: the storage is not shown to be down")]
    public void Tells_an_object_that_fails_on_its_own_from_storage_that_is_away(string passes, string expected)
    {
        var retries = new UploadRetries();
        var results = passes.Split('|').Select(pass => Run(retries, pass));

        Assert.That(string.Join(" | ", results), Is.EqualTo(expected));
    }

    [Test]
    public void A_stuck_object_waits_its_own_doubling_backoff_and_is_reported_once_then_each_minute()
    {
        var retries = new UploadRetries();
        var now = T0;
        var held = new List<bool>();
        var reports = new List<FailureReport>();
        for (var attempt = 0; attempt < 9; attempt++)
        {
            retries.BeginPass();
            if (attempt == 0)
            {
                retries.Failed("A", "403 AccessDenied", storageWide: false, now);
                retries.Stored("B", now);
            }
            else
            {
                retries.Failed("A", "403 AccessDenied", storageWide: false, now);
            }

            retries.EndPass(now, triedAny: true);
            reports.AddRange(retries.TakeBlamed().Select(b => b.Report));
            var wait = retries.NextRetry!.Value - now;
            held.Add(retries.Held(now + wait - TimeSpan.FromMilliseconds(1)).Contains("A") && !retries.Held(now + wait).Contains("A"));
            Assert.That(wait, Is.EqualTo(UploadBackoff.Delay(attempt + 1)), $"attempt {attempt + 1}");
            now += wait;
        }

        Assert.That(held, Is.All.True, "held until exactly its retry is due");
        // Tried at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 30.5, 45.5 and 60.5 s: the reminder falls due on the ninth attempt, past the minute.
        Assert.That(reports, Is.EqualTo(new[] { FailureReport.OutageStarted }.Concat(Enumerable.Repeat(FailureReport.Quiet, 7)).Append(FailureReport.StillFailing)));
    }

    private static string Run(UploadRetries retries, string pass)
    {
        retries.BeginPass();
        var verdicts = new List<string>();
        var tried = false;
        foreach (var step in pass.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            tried = true;
            var key = step.TrimEnd('!');
            if (step == key)
            {
                retries.Stored(key, T0);
                verdicts.Add(key + "+");
                continue;
            }

            var verdict = retries.Failed(key, "failed", storageWide: step.EndsWith("!!", StringComparison.Ordinal), T0);
            verdicts.Add(verdict == FailureVerdict.Suspect ? key + "?" : $"{key}:{verdict}");
            if (verdict == FailureVerdict.StorageDown)
                break;
        }

        var state = retries.EndPass(T0, tried);
        retries.TakeBlamed();
        return string.Join(' ', verdicts) + $" ={state} stuck:" + string.Join(',', retries.Stuck.Order(StringComparer.Ordinal));
    }
}
