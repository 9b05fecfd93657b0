using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The relay's UDP input: bound to a loopback port and connected to the port the recorder is told to send from
/// (FFmpeg's <c>localport=</c>), so the kernel delivers no other sender's datagrams and a neighbour cannot fill its
/// buffer. The recorder's port is free when chosen; FFmpeg binds it at each run.
/// Datagrams are received one after another straight into pooled blocks; one the relay keeps is left in place (the
/// next goes after it), one it drops is overwritten. Room is left for one packet more than a datagram holds, so a
/// larger datagram arrives truncated to a length the relay rejects. Nothing is allocated per datagram.
/// </summary>
internal sealed class RelayInput : IDisposable
{
    internal const int RequestedReceiveBuffer = 8 * 1024 * 1024;
    private const int ReceiveSpace = MpegTsRelay.DatagramBytes + TsPacket.Size;
    private readonly Socket _socket;
    private readonly RelayBlockPool _pool;
    private readonly ILogger _logger;

    public RelayInput(RelayBlockPool pool, ILogger logger)
    {
        _pool = pool;
        _logger = logger;
        RecorderPort = FreeUdpPort();
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.ReceiveBufferSize = RequestedReceiveBuffer;
        // Linux reports twice what it granted (the kernel's bookkeeping share); net.core.rmem_max caps the grant.
        var granted = _socket.ReceiveBufferSize / (OperatingSystem.IsLinux() ? 2 : 1);
        if (granted < RequestedReceiveBuffer) // once, at start: a fact of the machine (the AMI raises the cap), not a fault
            logger.LogInformation("The relay asked for a {Requested} byte UDP receive buffer and got {Granted}: a burst can overflow it (raise net.core.rmem_max)",
                RequestedReceiveBuffer, granted);
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, RecorderPort));
    }

    /// <summary>Where the recorder sends.</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>The source port the recorder sends from (its <c>localport</c>); datagrams from anywhere else never arrive.</summary>
    public int RecorderPort { get; }

    /// <summary>
    /// Hands each datagram to <paramref name="relay"/>, which returns true when it kept it (took references to its
    /// block as it needed) and false when it dropped it. A datagram the socket reports as larger than its room is
    /// handed as an empty one (to be dropped and counted); <paramref name="failed"/> is told of one lost to a fault.
    /// </summary>
    public async Task ReceiveAsync(Func<TsSlice, bool> relay, Action failed, CancellationToken ct)
    {
        var block = _pool.Rent();
        var at = 0;
        var loggedUnexpected = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (block.Bytes.Length - at < ReceiveSpace)
                {
                    block.Release();
                    block = _pool.Rent();
                    at = 0;
                }

                try
                {
                    var received = await _socket.ReceiveAsync(block.Bytes.AsMemory(at, ReceiveSpace), SocketFlags.None, ct).ConfigureAwait(false);
                    if (relay(new TsSlice(block, at, received)))
                        at += received;
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return; // only Dispose disposes the socket
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
                {
                    relay(new TsSlice(block, at, 0));
                }
                catch (SocketException ex)
                {
                    _logger.LogDebug(ex, "Relay receive failed");
                }
#pragma warning disable CA1031 // nothing a sender does may end the broadcast: log once, keep receiving
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (!loggedUnexpected)
                        _logger.LogError(ex, "The relay failed on a datagram; dropping it and receiving on");
                    loggedUnexpected = true;
                    failed();
                    await Task.Delay(10, CancellationToken.None).ConfigureAwait(false); // a repeating fault must not spin a core
                }
            }
        }
        finally
        {
            block.Release();
        }
    }

    public void Dispose() => _socket.Dispose();

    private static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
