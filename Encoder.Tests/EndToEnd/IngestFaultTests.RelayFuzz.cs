using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Encoder.Tests.Egress;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.EndToEnd;

public sealed partial class IngestFaultTests
{
    private static long Relay(StatusFile status, string counter) =>
        status.Read() is { } root && root.TryGetProperty("relay", out var relay) && relay.TryGetProperty(counter, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : -1;

    [Test]
    public async Task Ten_seconds_of_random_and_malformed_MPEG_TS_at_the_relay_cost_the_broadcast_and_the_recording_nothing()
    {
        var (settings, work, status) = Class("relay-fuzz");
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");
        var inputPort = (int)Relay(status, "inputPort");
        var receivedBefore = Relay(status, "datagramsReceived");
        var bytesBefore = _primary.BytesRecordedFor(_key + "-p");

        using var neighbour = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        neighbour.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var random = new Random(20261124);
        var sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            for (var i = 0; i < 50; i++, sent++)
            {
                var datagram = i == 0 ? new byte[9000] : GopCacheTests.RandomDatagram(random); // an oversized one now and then
                neighbour.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, inputPort));
            }

            await Task.Delay(5);
        }

        TestContext.Out.WriteLine($"sent {sent} datagrams from port {((IPEndPoint)neighbour.LocalEndPoint!).Port}; relay: received {Relay(status, "datagramsReceived") - receivedBefore} more, dropped {Relay(status, "datagramsDropped")}, continuity errors {Relay(status, "continuityErrors")}");
        await Poll.UntilAsync(() => _primary.BytesRecordedFor(_key + "-p") > bytesBefore, Soon, "the primary keeps receiving video");
        var bytesAfterFuzz = _primary.BytesRecordedFor(_key + "-p");
        await Poll.UntilAsync(() => _primary.BytesRecordedFor(_key + "-p") > bytesAfterFuzz, Soon, "the primary still receives video after the fuzz");
        Assert.That(daemon.HasExited, Is.False, daemon.Output);
        Assert.That(Relay(status, "datagramsReceived"), Is.GreaterThan(receivedBefore), "the recorder's datagrams still reach the relay");
        Assert.That(Relay(status, "datagramsDropped"), Is.Zero, "the neighbour's datagrams never reached the relay: its socket takes only the recorder's");
        Assert.That((status.RecorderRestarts(), status.Number("failovers")), Is.EqualTo((0, 0)));

        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
        await AssertRecordingHasNoGapAsync(work, "relay-fuzz", daemon.Output);
    }
}
