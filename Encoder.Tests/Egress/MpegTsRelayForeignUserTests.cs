using Encoder.Egress;
using Encoder.Status;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Egress;

/// <summary>
/// The relay against another local user (<c>nobody</c>, through setpriv: the tests run as root): it can neither read
/// the stream nor send into it, whether or not a recorder runs. The neighbour is a small Python client
/// (Probes/relay-neighbour.py) that tries the relay's endpoints as an attacker on the same host would.
/// </summary>
[Category("Integration")]
public sealed class MpegTsRelayForeignUserTests
{
    private const int Nobody = 65534;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private RelayCounters _counters = new();

    [SetUp]
    public void NewCounters() => _counters = new RelayCounters();

    internal static byte[] GoodStart() => [.. GopCacheTests.Pat(), .. GopCacheTests.Pmt(), .. GopCacheTests.Keyframe(10)];

    private MpegTsRelay NewRelay()
    {
        var relay = new MpegTsRelay(NullLogger.Instance, _counters, maxClients: 4);
        relay.Start();
        return relay;
    }

    /// <summary>Runs the neighbour as nobody with <paramref name="arguments"/>; its one line.</summary>
    internal static async Task<string> NeighbourAsync(params string[] arguments)
    {
        var script = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "Encoder.Tests", "Egress", "Probes", "relay-neighbour.py"));
        var result = await Tool.RunAsync("setpriv", ["--reuid", $"{Nobody}", "--regid", $"{Nobody}", "--clear-groups", "/usr/bin/python3", "-c", script, .. arguments]);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        return result.Output.Trim();
    }

    [Test]
    public async Task Another_local_user_cannot_read_the_relay_s_output()
    {
        await using var relay = NewRelay();
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");

        var read = await NeighbourAsync("read", $"unix:{relay.OutputPath}");

        Assert.That(read, Does.StartWith("refused: Permission denied"), "nobody read the live stream");
    }

    [Test]
    public async Task Another_local_user_cannot_send_into_the_relay_while_no_recorder_runs()
    {
        await using var relay = NewRelay();

        var sent = await NeighbourAsync("send", $"unix:{relay.InputPath}", Convert.ToHexString(GoodStart()));
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived >= 1, Timeout, "the recorder's stream arrives");

        Assert.That((sent, _counters.ToSnapshot().DatagramsReceived), Is.EqualTo(("refused: Permission denied", 1L)), "only the recorder's write reached the relay");
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Another_local_user_that_gets_past_the_folder_is_still_refused_by_its_uid()
    {
        await using var relay = NewRelay();
        // As if the folder's and the sockets' modes had been opened up by mistake: the peer check still holds.
        File.SetUnixFileMode(Path.GetDirectoryName(relay.InputPath)!, (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(relay.InputPath, (UnixFileMode)0b110_110_110);
        File.SetUnixFileMode(relay.OutputPath, (UnixFileMode)0b110_110_110);
        using var recorder = MpegTsRelayFlowTests.Recorder(relay);
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 1, Timeout, "the stream starts");

        var read = await NeighbourAsync("read", $"unix:{relay.OutputPath}");
        var sent = await NeighbourAsync("send", $"unix:{relay.InputPath}", Convert.ToHexString(GoodStart()));
        recorder.Send(GoodStart());
        await Poll.UntilAsync(() => _counters.ToSnapshot().DatagramsReceived == 2, Timeout, "the recorder's stream goes on");

        await Poll.UntilAsync(() => _counters.ToSnapshot().ClientsRejected == 2, Timeout, "the input's connection is refused too"); // looked at every 250 ms

        Assert.That(read, Is.EqualTo("closed"), "the relay closed nobody's connection before sending anything");
        Assert.That(sent, Does.StartWith("sent").Or.StartWith("refused"));
        Assert.That(_counters.ToSnapshot().DatagramsReceived, Is.EqualTo(2), "nothing nobody sent reached the relay");
    }
}
