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

    /// <summary>The relay's sockets as any local user finds them: <c>/proc/net/unix</c> lists every bound path.</summary>
    private static string[] RelaySocketPaths() =>
        File.ReadAllLines("/proc/net/unix").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 8 && fields[^1].Contains("/encoder-relay-", StringComparison.Ordinal))
            .Select(fields => fields[^1])
            .Distinct()
            .ToArray();

    [Test]
    public async Task Another_local_user_can_neither_feed_the_relay_nor_read_it_during_a_camera_outage_and_the_picture_comes_back()
    {
        await using var camera = await TestCamera.StartAsync();
        var (settings, _, status) = Class("relay-neighbour", camera);
        await using var daemon = EncoderDaemon.Start(settings);
        await Poll.UntilAsync(() => status.IngestState("primary") == "streaming", Soon, "the primary streams");
        var sockets = RelaySocketPaths();
        Assert.That(sockets.Select(Path.GetFileName).Distinct(), Is.SupersetOf(new[] { "input.sock", "output.sock" }), "the neighbour finds the relay's sockets");

        camera.Freeze(); // the outage: no recorder connected to the relay's input
        await Poll.UntilAsync(() => status.RecorderState() != "streaming", Soon, "the recorder is found down", () => daemon.Output);
        var picture = Convert.ToHexString(MpegTsRelayForeignUserTests.GoodStart());
        var attempts = new List<string>();
        foreach (var socket in sockets)
        {
            attempts.Add($"send {socket}: {await MpegTsRelayForeignUserTests.NeighbourAsync("send", $"unix:{socket}", picture)}");
            attempts.Add($"read {socket}: {await MpegTsRelayForeignUserTests.NeighbourAsync("read", $"unix:{socket}")}");
        }

        camera.Thaw();
        await Poll.UntilAsync(() => status.RecorderState() == "streaming", TimeSpan.FromSeconds(30), "the camera is back and recorded", () => daemon.Output);
        var bytes = _primary.BytesRecordedFor(_key + "-p");
        await Poll.UntilAsync(() => _primary.BytesRecordedFor(_key + "-p") > bytes, Soon, "the camera's picture is back on the ingest");

        Assert.That(attempts, Is.All.EndsWith("refused: Permission denied"), string.Join('\n', attempts));
        Assert.That(Relay(status, "clientsRejected"), Is.Zero, "nobody got as far as the relay's sockets");
        Assert.That((status.Number("failovers"), daemon.HasExited), Is.EqualTo((0, false)), daemon.Output);
        daemon.Signal(Signals.SigTerm);
        Assert.That(await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)), Is.Zero, daemon.Output);
    }
}
