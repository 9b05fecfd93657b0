using Encoder.Configuration;
using Encoder.Metrics;

namespace Encoder.Tests.Metrics;

public sealed class EmfEndpointTests
{
    [TestCase("tcp://127.0.0.1:25888", false, "127.0.0.1", 25888)]
    [TestCase("udp://127.0.0.1:25888", true, "127.0.0.1", 25888)]
    [TestCase("tcp://cwagent:25888/", false, "cwagent", 25888)]
    [TestCase("tcp://[::1]:9000", false, "::1", 9000)]
    public void Parses_what_the_EMF_libraries_accept(string text, bool udp, string host, int port) =>
        Assert.That(EmfEndpoint.Parse(text), Is.EqualTo(new EmfEndpoint(udp, host, port)));

    [TestCase("http://127.0.0.1:25888")]
    [TestCase("tcp://127.0.0.1")]
    [TestCase("127.0.0.1:25888")]
    [TestCase("tcp://127.0.0.1:25888/path")]
    [TestCase("")]
    [TestCase(null)]
    public void Refuses_anything_else(string? text) => Assert.That(EmfEndpoint.Parse(text), Is.Null);

    [TestCase("udp://10.0.0.1:1", "tcp://127.0.0.2:2", "udp://10.0.0.1:1")]
    [TestCase(null, "tcp://127.0.0.2:2", "tcp://127.0.0.2:2")]
    [TestCase("", null, "tcp://127.0.0.1:25888")]
    public void The_setting_wins_then_the_environment_then_the_agents_default(string? configured, string? environment, string expected) =>
        Assert.That(EmfEndpoint.Resolve(configured, name => name == "AWS_EMF_AGENT_ENDPOINT" ? environment : null), Is.EqualTo(expected));
}

public sealed class MetricsConfigurationTests
{
    private static EncoderOptions Options(bool enabled, string endpoint) => new()
    {
        SessionId = "s",
        Camera = new CameraOptions { Url = "rtsp://cam/stream" },
        Ingest = new IngestOptions { Primary = "rtmp://h/live/k" },
        Metrics = new MetricsOptions { Enabled = enabled, Endpoint = endpoint },
    };

    [TestCase(true, "http://127.0.0.1:25888", true)]
    [TestCase(true, "udp://127.0.0.1:25888", false)]
    [TestCase(false, "http://127.0.0.1:25888", false)]
    public void A_bad_endpoint_is_refused_at_start_only_when_metrics_are_on(bool enabled, string endpoint, bool refused) =>
        Assert.That(EncoderOptionsValidator.Validate(Options(enabled, endpoint), DateTimeOffset.UtcNow),
            refused ? Has.Member("Encoder:Metrics:Endpoint: must be tcp://host:port or udp://host:port") : Has.No.Member("Encoder:Metrics:Endpoint: must be tcp://host:port or udp://host:port"));
}
