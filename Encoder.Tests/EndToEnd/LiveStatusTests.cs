using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Encoder.Storage;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

/// <summary>
/// A live class seen from outside the instance and from systemd, with the real daemon, camera and ingest: status.json in
/// S3 (moto, IAM enforced, the daemon holding only the instance policy) rewritten during the class, session.json's
/// outcome, faults and playback URL at its end; and the sd_notify messages on a loopback NOTIFY_SOCKET the test binds.
/// </summary>
[TestFixture]
[OverlapsOtherWaiters]
[Order(9)] // the longest first (then the shorter fill in beside them, and no long one starts last): ~30 s
[Category("Integration")]
public sealed class LiveStatusTests : LiveClassFixture
{
    protected override bool WithMoto => true;

    private const string Prefix = "recordings/";
    private const string Bucket = "cms-recordings";
    private const string PlaybackBase = "https://d111111abcdef8.cloudfront.net";
    private AwsUser _instance = null!;

    [OneTimeSetUp]
    public async Task CreateTheBucketAndTheInstanceUser()
    {
        await Moto.CreateBucketAsync(Bucket);
        _instance = await Moto.CreateUserAsync("encoder-instance", IamPolicies.Instance(Bucket, Prefix));
    }

    private async Task<JsonElement?> StoredJsonAsync(string key)
    {
        if (!(await Moto.ListAsync(Bucket, key)).Any(o => o.Key == key))
            return null;
        using var document = JsonDocument.Parse(await Moto.GetAsync(Bucket, key));
        return document.RootElement.Clone();
    }

    [Test]
    public async Task Status_json_is_stored_and_rewritten_during_the_class_and_session_json_says_the_outcome_faults_and_where_it_plays()
    {
        const string session = "cms-live-1";
        var settings = EncoderDaemon.Settings(session, Camera.Url, Ingest.UrlFor(NewStreamKey()), Path.Combine(Work, "cms"));
        EncoderDaemon.StoreInS3(settings, Bucket, Moto.Url);
        settings["Storage:RequestTimeoutSeconds"] = "5";
        settings["Status:UploadIntervalSeconds"] = "1";
        settings["Playback:BaseUrl"] = PlaybackBase;
        settings["Session:MaxDuration"] = "00:00:16";
        var statusKey = $"{Prefix}{session}/status.json";

        await using var daemon = EncoderDaemon.Start(settings, Moto.EnvironmentFor(_instance));
        await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(60));
        var first = await Poll.ForAsync(() => StoredJsonAsync(statusKey).GetAwaiter().GetResult() is { } s
            && s.GetProperty("recorder").GetProperty("state").GetString() == "streaming" ? new Box(s) : null, TimeSpan.FromSeconds(30), "a streaming status.json is in S3");
        Assert.That(daemon.HasExited, Is.False, "status.json goes up during the class");
        await Poll.UntilAsync(async () => await StoredJsonAsync(statusKey) is { } s
                && s.GetProperty("at").GetDateTimeOffset() > first.Value.GetProperty("at").GetDateTimeOffset()
                && s.GetProperty("segmentsRecorded").GetInt32() > first.Value.GetProperty("segmentsRecorded").GetInt32(),
            TimeSpan.FromSeconds(30), "status.json in S3 is rewritten with the class's progress", () => daemon.Output);
        Assert.That(first.Value.GetProperty("sessionId").GetString(), Is.EqualTo(session));
        using (var s3 = Moto.Client())
        {
            var headers = (await s3.GetObjectMetadataAsync(Bucket, statusKey)).Headers;
            Assert.That((headers.ContentType, headers.CacheControl), Is.EqualTo(("application/json", ObjectHeaders.PrivateCacheControl)));
        }

        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(90)), Is.Zero, daemon.Output);
        var manifest = (await StoredJsonAsync($"{Prefix}{session}/session.json"))!.Value;
        Assert.That(manifest.GetProperty("outcome").GetString(), Is.EqualTo("complete"), manifest.ToString());
        Assert.That(manifest.TryGetProperty("missing", out _), Is.False, manifest.ToString());
        Assert.That(manifest.GetProperty("faults").GetProperty("failovers").GetInt32(), Is.Zero);
        Assert.That(manifest.GetProperty("faults").GetProperty("cameraOutages").GetArrayLength(), Is.Zero);
        Assert.That(manifest.GetProperty("playbackUrl").GetString(), Is.EqualTo($"{PlaybackBase}/{Prefix}{session}/index.m3u8"));
        Assert.That(Moto.Requests().Count(r => r.Method == "PUT" && r.Path.StartsWith($"/{Bucket}/{statusKey}", StringComparison.Ordinal) && r.Status == 200),
            Is.GreaterThanOrEqualTo(2), "status.json went up more than once");
    }

    [Test]
    public async Task A_supervisor_s_notify_socket_hears_ready_a_status_line_with_the_class_s_figures_and_watchdog_pings()
    {
        const string session = "notify-1";
        var socketPath = Path.Combine(Work, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var messages = new ConcurrentQueue<(DateTime At, string Text)>();
        using var stop = new CancellationTokenSource();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None, stop.Token);
                    foreach (var line in Encoding.UTF8.GetString(buffer, 0, n).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                        messages.Enqueue((DateTime.UtcNow, line));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var settings = EncoderDaemon.Settings(session, Camera.Url, Ingest.UrlFor(NewStreamKey()), Path.Combine(Work, "notify"));

        await using (var daemon = EncoderDaemon.Start(settings, new Dictionary<string, string>
                     {
                         ["NOTIFY_SOCKET"] = socketPath,
                         ["WATCHDOG_USEC"] = "2000000",
                     }))
        {
            await EncoderDaemon.UntilRecordingAsync(daemon, settings, TimeSpan.FromSeconds(60));
            await Poll.UntilAsync(() => messages.Any(m => m.Text == "READY=1"), TimeSpan.FromSeconds(30), "READY=1 arrives", () => daemon.Output);
            await Poll.UntilAsync(() => messages.Any(m => m.Text.StartsWith("STATUS=on primary | ", StringComparison.Ordinal)
                    && m.Text.Contains(" fps | ", StringComparison.Ordinal) && m.Text.Contains(" kb/s | ", StringComparison.Ordinal)
                    && m.Text.Contains(" uploads pending", StringComparison.Ordinal) && m.Text.Contains("0 failovers", StringComparison.Ordinal)
                    && !m.Text.Contains("| 0 segments", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), "a STATUS= line says the slot, fps, bitrate, segments, pending uploads and faults",
                () => string.Join('\n', messages.Select(m => m.Text)));
            var pingsSoFar = messages.Count(m => m.Text == "WATCHDOG=1");
            await Poll.UntilAsync(() => messages.Count(m => m.Text == "WATCHDOG=1") >= pingsSoFar + 3, TimeSpan.FromSeconds(30),
                "three more WATCHDOG=1 pings arrive (one a second for WatchdogSec=2s)");
            daemon.Signal(Signals.SigTerm);
            Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(60)), Is.Zero, daemon.Output);
        }

        await stop.CancelAsync();
        await receiving;
        var texts = messages.Select(m => m.Text).ToList();
        Assert.That(texts.IndexOf("READY=1"), Is.LessThan(texts.FindIndex(t => t.StartsWith("STATUS=on primary", StringComparison.Ordinal))));
        Assert.That(texts, Does.Contain("STOPPING=1"));
        Assert.That(texts.Count(t => t == "READY=1"), Is.EqualTo(1));
        Assert.That(texts.Where(t => t.StartsWith("STATUS=", StringComparison.Ordinal)), Has.All.Not.Contain('\n').And.All.Not.Contain(TestCamera.Password));
    }

    /// <summary>A reference holder for <see cref="Poll.ForAsync{T}"/>, which waits for a class.</summary>
    private sealed record Box(JsonElement Value);
}
