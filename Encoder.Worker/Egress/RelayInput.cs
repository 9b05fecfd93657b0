using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Encoder.Egress;

/// <summary>
/// The relay's input: a unix stream socket (<see cref="RelaySockets.InputPath"/>) that the recorder's FFmpeg connects
/// to and writes MPEG-TS into. Only the daemon's own processes can reach it (the socket's directory, and
/// <paramref name="admit"/> on the peer's credentials at every connection); one recorder is read at a time, and a new
/// connection (the next recorder run) replaces the previous one, which is closed.
/// The stream is received straight into pooled blocks, at most <see cref="MpegTsRelay.DatagramBytes"/> at a time, and
/// handed over as whole TS packets: a read that ends inside a packet keeps that part back for the next read. What the
/// relay keeps is left in place (the next read goes after it); what it drops is overwritten. Nothing is allocated per
/// read. A recorder that writes faster than the relay reads waits (the socket's buffer), it never loses bytes; the
/// recorder bounds that wait itself (<c>Recorder/RecorderArguments</c>: <c>rw_timeout</c>).
/// </summary>
internal sealed class RelayInput : IDisposable
{
    private readonly Socket _listener;
    private readonly RelayBlockPool _pool;
    private readonly Func<Socket, bool> _admit;
    private readonly ILogger _logger;
    private Socket? _recorder; // only the input's thread touches it, and Dispose

    /// <param name="admit">True when the connected peer may feed the relay (its credentials); a refused one is closed at once.</param>
    public RelayInput(RelayBlockPool pool, Socket listener, Func<Socket, bool> admit, ILogger logger)
    {
        _pool = pool;
        _listener = listener;
        _admit = admit;
        _logger = logger;
    }

    /// <summary>
    /// Hands each read's whole packets (a "datagram": at most <see cref="MpegTsRelay.DatagramPackets"/>) to
    /// <paramref name="relay"/>, which returns true when it kept them (took references to its block as it needed) and
    /// false when it dropped them; <paramref name="failed"/> is told of a read lost to a fault.
    /// Runs on a thread of its own, blocked in the receive: a read costs one wake-up, where an awaited receive cost
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
        var at = 0; // where the bytes not yet handed over start
        var pending = 0; // bytes of a packet that a read ended inside, at block[at..]
        var loggedUnexpected = false;
        var nextListenCheck = 0L;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    // A new connection (the recorder's next run) replaces the current one: looked for at once when
                    // there is none, else every CancelCheck (a poll without waiting).
                    var now = Environment.TickCount64;
                    if (_recorder is null || now >= nextListenCheck)
                    {
                        nextListenCheck = now + (long)CancelCheck.TotalMilliseconds;
                        if (_listener.Poll(_recorder is null ? CancelCheck : TimeSpan.Zero, SelectMode.SelectRead) && Accept())
                            pending = 0; // a new stream starts on a packet boundary
                        if (_recorder is null)
                            continue;
                    }

                    if (block.Bytes.Length - at < MpegTsRelay.DatagramBytes)
                    {
                        var next = _pool.Rent();
                        block.Bytes.AsSpan(at, pending).CopyTo(next.Bytes);
                        block.Release();
                        block = next;
                        at = 0;
                    }

                    var received = _recorder.Receive(block.Bytes.AsSpan(at + pending, MpegTsRelay.DatagramBytes - pending), SocketFlags.None, out var error);
                    switch (error)
                    {
                        case SocketError.Success when received == 0:
                            CloseRecorder(); // the recorder ended: a part packet it left is worth nothing
                            pending = 0;
                            break;
                        case SocketError.Success:
                            var total = pending + received;
                            var whole = total - total % TsPacket.Size;
                            pending = total - whole;
                            if (whole == 0)
                                break;
                            if (relay(new TsSlice(block, at, whole)))
                                at += whole; // kept: the part packet already follows it
                            else if (pending > 0)
                                block.Bytes.AsSpan(at + whole, pending).CopyTo(block.Bytes.AsSpan(at)); // dropped: reuse its room
                            break;
                        case SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted:
                            break; // nothing sent: look at the token
                        case SocketError.OperationAborted or SocketError.NotSocket when ct.IsCancellationRequested:
                            return; // Dispose closed the socket
                        default:
                            _logger.LogDebug("Relay receive failed: {Error}", error);
                            CloseRecorder();
                            pending = 0;
                            break;
                    }
                }
                catch (ObjectDisposedException)
                {
                    return; // only Dispose disposes the listener; a recorder's socket is disposed on this thread only
                }
#pragma warning disable CA1031 // nothing a sender does may end the broadcast: log once, keep receiving
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (!loggedUnexpected)
                        _logger.LogError(ex, "The relay failed on its input; dropping what it read and receiving on");
                    loggedUnexpected = true;
                    failed();
                    pending = 0;
                    Thread.Sleep(10); // a repeating fault must not spin a core
                }
            }
        }
        finally
        {
            block.Release();
            CloseRecorder();
        }
    }

    /// <summary>Takes the waiting connection as the recorder's when its peer is admitted; false when it was refused.</summary>
    private bool Accept()
    {
        var socket = _listener.Accept();
        if (!_admit(socket))
        {
            socket.Dispose();
            return false;
        }

        CloseRecorder();
        socket.ReceiveTimeout = (int)CancelCheck.TotalMilliseconds;
        _recorder = socket;
        return true;
    }

    private void CloseRecorder()
    {
        _recorder?.Dispose();
        _recorder = null;
    }

    public void Dispose() => _listener.Dispose();
}
