using System.Net;
using System.Net.Sockets;
using Encoder.Recorder;

namespace Encoder.Tests.Recorder;

public sealed class RestartWaitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Plays a wait of <paramref name="delaySeconds"/> against probe answers (one per probe, in order), and returns what happened, in ms from the start: P+ / P- per probe, S at the start.</summary>
    private static string Play(double delaySeconds, string answers)
    {
        var wait = RestartWait.Begin(T0, TimeSpan.FromSeconds(delaySeconds));
        var now = T0;
        var probes = new Queue<char>(answers);
        var log = new List<string>();
        for (var steps = 0; steps < 1000; steps++)
        {
            var step = wait.Next(now);
            var at = (int)(now - T0).TotalMilliseconds;
            switch (step.Action)
            {
                case RestartWaitAction.Start:
                    log.Add($"S{at}");
                    return string.Join(' ', log);
                case RestartWaitAction.Probe:
                    var answered = probes.Count > 0 ? probes.Dequeue() == '+' : false;
                    log.Add($"P{(answered ? '+' : '-')}{at}");
                    wait = wait.Probed(now, answered);
                    now += TimeSpan.FromMilliseconds(10); // a probe takes a little time
                    break;
                default:
                    Assert.That(step.Sleep, Is.GreaterThan(TimeSpan.Zero));
                    now += step.Sleep;
                    break;
            }
        }

        throw new AssertionException("the wait never ended");
    }

    [TestCase(1.0, "----", "P-0 P-250 P-500 P-750 S1000", TestName = "A camera that stays away is probed every quarter second and retried when the backoff ends")]
    [TestCase(4.0, "---+", "P-0 P-250 P-500 P+750 S760", TestName = "A camera that went away is restarted one probe after it answers again")]
    [TestCase(1.0, "++++", "P+0 P+250 P+500 P+750 S1000", TestName = "A camera that answers all along is retried on the normal backoff, never hammered")]
    [TestCase(4.0, "+-+", "P+0 P-250 P+500 S510", TestName = "A camera that answered, then not, then again is back")]
    [TestCase(0.1, "", "P-0 S100", TestName = "A short backoff ends between probes")]
    [TestCase(0.0, "", "S0", TestName = "No backoff starts at once without a probe")]
    public void The_recorder_waits_its_backoff_unless_the_camera_is_seen_coming_back(double delaySeconds, string answers, string expected) =>
        Assert.That(Play(delaySeconds, answers), Is.EqualTo(expected));

    [Test]
    public void A_slow_probe_delays_the_next_one_by_the_interval_from_its_start_only()
    {
        var wait = RestartWait.Begin(T0, TimeSpan.FromSeconds(4)).Probed(T0, answered: false);
        Assert.That(wait.Next(T0.AddMilliseconds(100)), Is.EqualTo(new RestartWaitStep(RestartWaitAction.Sleep, TimeSpan.FromMilliseconds(150))));
        Assert.That(wait.Next(T0.AddMilliseconds(900)), Is.EqualTo(new RestartWaitStep(RestartWaitAction.Probe)), "a probe that took 0.9 s is followed at once");
    }

    [TestCase("rtsp://cam.example:8554/stream", "cam.example", 8554)]
    [TestCase("rtsp://user:p%40ss@10.0.0.7/live", "10.0.0.7", 554)]
    [TestCase("rtsps://cam.example/live", "cam.example", 322)]
    [TestCase("rtsp://[::1]:9000/x", "::1", 9000)]
    public void The_probe_connects_to_the_cameras_host_and_rtsp_port(string url, string host, int port) =>
        Assert.That(TcpCameraReachability.Endpoint(url), Is.EqualTo((host, port)));

    [Test]
    public void A_url_without_a_host_has_nothing_to_probe() =>
        Assert.That(TcpCameraReachability.Endpoint("not a url"), Is.Null);

    [Test]
    public async Task The_probe_answers_only_while_something_listens_on_the_cameras_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var probe = new TcpCameraReachability($"rtsp://u:secret@127.0.0.1:{port}/camera", TimeSpan.FromSeconds(5));
        Assert.That(await probe.AnswersAsync(CancellationToken.None), Is.True);
        listener.Stop();
        Assert.That(await probe.AnswersAsync(CancellationToken.None), Is.False);
    }
}
