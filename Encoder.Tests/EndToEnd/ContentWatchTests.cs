using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// The content watch in the real daemon, against the real test camera scheduled black, then silent, then frozen (8 s
/// each, minimum durations set to 2 s), and nginx-rtmp: each condition is raised and cleared in status.json's
/// <c>content</c> and in the EMF gauges, and nothing is raised on the moving picture with sound before and after.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters] // a minute of a class on servers of its own, its thresholds ~10 s: beside the other end-to-end waiters, not alone
[Order(4)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~60 s
[Category("Integration")]
public sealed class ContentWatchTests
{
    // Seconds from the camera's start. The daemon measures well before the first (it streams within seconds).
    private static readonly (string Condition, double From, double To)[] Schedule = [("black", 22, 30), ("silent", 30, 38), ("frozen", 38, 46)];

    [Test]
    public async Task Black_then_silent_then_frozen_are_each_raised_within_seconds_and_cleared_and_the_moving_picture_with_sound_raises_nothing()
    {
        var work = Directory.CreateTempSubdirectory("encoder-content-").FullName;
        await using var ingest = await RtmpIngest.StartAsync(Path.Combine(work, "ingest"));
        await using var camera = await TestCamera.StartAsync(schedule: string.Join(',', Schedule.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Condition}@{s.From}-{s.To}"))));
        var clock = Stopwatch.StartNew(); // the camera's clock, within the time READY takes to be read
        await using var agent = EmfAgent.Start();
        const string session = "content-1";
        var settings = EncoderDaemon.Settings(session, camera.Url, ingest.UrlFor("content-Str3amKey"), work);
        EncoderDaemon.WithMetrics(settings, agent.Endpoint);
        settings["Content:BlackMinSeconds"] = "2";
        settings["Content:FrozenMinSeconds"] = "2";
        settings["Content:SilentMinSeconds"] = "2";
        var status = EncoderDaemon.Status(settings);

        await using (var daemon = EncoderDaemon.Start(settings))
        {
            await Poll.UntilAsync(() => Content(status) is not null, TimeSpan.FromSeconds(Schedule[0].From - 2), "the content watch measures, before the first condition", () => daemon.Output);
            var measuringAt = clock.Elapsed.TotalSeconds;

            // Watch status.json until the last condition has been cleared for a few seconds: when each became active and inactive.
            var raised = new Dictionary<string, double>();
            var cleared = new Dictionary<string, double>();
            var activeOnTheNormalStretch = new List<string>();
            var end = Schedule[^1].To + 12;
            while (clock.Elapsed.TotalSeconds < end)
            {
                var now = clock.Elapsed.TotalSeconds;
                if (Content(status) is { } content)
                {
                    foreach (var (condition, from, to) in Schedule)
                    {
                        var active = content.GetProperty(condition).GetProperty("active").GetBoolean();
                        if (active && !raised.ContainsKey(condition))
                            raised[condition] = now;
                        if (!active && raised.ContainsKey(condition) && !cleared.ContainsKey(condition))
                            cleared[condition] = now;
                        if (active && (now < from || now > to + 10))
                            activeOnTheNormalStretch.Add(string.Create(CultureInfo.InvariantCulture, $"{condition} at {now:0.0}s"));
                    }
                }

                await Task.Delay(50);
            }

            var delays = string.Join("; ", Schedule.Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{s.Condition}: raised {raised.GetValueOrDefault(s.Condition, double.NaN) - s.From:0.0}s after it began, cleared {cleared.GetValueOrDefault(s.Condition, double.NaN) - s.To:0.0}s after it ended")));
            TestContext.Out.WriteLine($"measuring {measuringAt:0.0}s after the camera started; {delays}");
            Assert.That(activeOnTheNormalStretch, Is.Empty, delays);
            foreach (var (condition, from, to) in Schedule)
            {
                Assert.That(raised.GetValueOrDefault(condition, double.NaN) - from, Is.InRange(0, 10), $"{condition} is raised within ~10 s of its start ({delays})");
                Assert.That(cleared.GetValueOrDefault(condition, double.NaN) - to, Is.InRange(0, 10), $"{condition} is cleared within ~10 s of its end ({delays})");
                Assert.That(Content(status)!.Value.GetProperty(condition).GetProperty("count").GetInt32(), Is.EqualTo(1), $"{condition} began once");
            }

            var black = agent.Values(session, "VideoBlackSeconds");
            var frozen = agent.Values(session, "VideoFrozenSeconds");
            var silent = agent.Values(session, "AudioSilentSeconds");
            Assert.That(new[] { black.Max(), frozen.Max(), silent.Max() }, Has.All.GreaterThanOrEqualTo(2), "each gauge counted its condition's seconds");
            Assert.That((black[^1], frozen[^1], silent[^1]), Is.EqualTo((0.0, 0.0, 0.0)), "and is back to 0");
        }

        Directory.Delete(work, recursive: true);
    }

    private static JsonElement? Content(StatusFile status) => status.Read() is { } root && root.TryGetProperty("content", out var content) ? content : null;
}
