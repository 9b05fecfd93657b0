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
    /// Runs on a thread of its own, blocked in the receive: a datagram costs one wake-up, where an awaited receive cost
    /// the socket engine's, a thread-pool worker's and the continuation's (most of what the daemon used, per perf).
    /// The task completes when the thread ends: on cancellation (seen within <see cref="CancelCheck"/>) or disposal.
    /// </summary>
    public Task ReceiveAsync(Func<TsSlice, bool> relay, Action failed, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Receive(relay, failed, ct);
            }
            finally
            {
                done.TrySetResult();
            }
        })
        {
            IsBackground = true,
            Name = "relay-input",
        };
        thread.Start();
        return done.Task;
    }

    /// <summary>How often a receive with nothing to read looks at the cancellation token.</summary>
    internal static readonly TimeSpan CancelCheck = TimeSpan.FromMilliseconds(250);

    private void Receive(Func<TsSlice, bool> relay, Action failed, CancellationToken ct)
    {
        var block = _pool.Rent();
        var at = 0;
        var loggedUnexpected = false;
        _socket.ReceiveTimeout = (int)CancelCheck.TotalMilliseconds;
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
                    var received = _socket.Receive(block.Bytes.AsSpan(at, ReceiveSpace), SocketFlags.None, out var error);
                    switch (error)
                    {
                        case SocketError.Success:
                            if (relay(new TsSlice(block, at, received)))
                                at += received;
                            break;
                        case SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted:
                            break; // nothing sent: look at the token
                        case SocketError.MessageSize:
                            relay(new TsSlice(block, at, 0));
                            break;
                        case SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket:
                            return; // only Dispose closes the socket
                        default:
                            _logger.LogDebug("Relay receive failed: {Error}", error);
                            Thread.Sleep(10); // a repeating error must not spin a core
                            break;
                    }
                }
                catch (ObjectDisposedException)
                {
                    return; // only Dispose disposes the socket
                }
#pragma warning disable CA1031 // nothing a sender does may end the broadcast: log once, keep receiving
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (!loggedUnexpected)
                        _logger.LogError(ex, "The relay failed on a datagram; dropping it and receiving on");
                    loggedUnexpected = true;
                    failed();
                    Thread.Sleep(10); // a repeating fault must not spin a core
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
