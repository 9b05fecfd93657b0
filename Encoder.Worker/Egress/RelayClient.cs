using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Encoder.Egress;

/// <summary>
/// One egress's connection: a queue of slices (each holding a reference to its block) and the loop that sends them.
/// The relay enqueues and never waits; a slice that follows the last one in the same block is joined to it, so a
/// backlog goes out in few large writes. Past <c>limitBytes</c> queued the client is cut off: its socket is closed
/// and what it held is released, whatever the egress does. Waiting for data allocates nothing (one reusable
/// <see cref="IValueTaskSource{TResult}"/>).
/// </summary>
internal sealed class RelayClient(Socket socket, long limitBytes) : IValueTaskSource<bool>
{
    private readonly Lock _lock = new();
    private readonly SliceRing _queue = new();
    // Continuations run on the thread pool, never inline inside the relay's lock; an async method's continuation is
    // queued as its own state machine box, so this allocates nothing either.
    private ManualResetValueTaskSourceCore<bool> _signal = new() { RunContinuationsAsynchronously = true };
    private long _queuedBytes;
    private bool _completed;
    private bool _waiting;
    private bool _sending; // the first slice is being written to the socket: nothing may be joined to it
    private bool _direct; // the send loop has made the socket non-blocking: the relay may write to it directly

    /// <summary>True once the client has ended (completed, cut off, or its egress went away): it takes nothing more.</summary>
    public bool Ended
    {
        get
        {
            lock (_lock)
                return _completed;
        }
    }

    /// <summary>
    /// Hands over a slice the caller holds a reference to (ownership passes); false when the client is over its limit or
    /// done. With nothing queued, the slice is written at once on the caller's thread without waiting (the socket is
    /// non-blocking): the common case, an egress keeping up, costs no wake-up of the send loop. What the socket does not
    /// take at once is queued, and the send loop sends it.
    /// </summary>
    public bool TryEnqueue(TsSlice slice, bool retain)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed || _queuedBytes + slice.Length > limitBytes)
                return false;
            var sent = _queue.Count == 0 && _direct ? SendNow(slice.Span) : 0;
            if (sent == slice.Length || _completed)
            {
                if (!retain)
                    slice.Block.Release();
            }
            else
            {
                Queue(slice.Slice(sent, slice.Length - sent), retain);
            }

            // Queued: the send loop sends it. A failed socket: the send loop ends the client.
            wake = _waiting && (_queue.Count > 0 || _completed);
            _waiting &= !wake;
        }

        if (wake)
            _signal.SetResult(true);
        return true;
    }

    private void Queue(TsSlice slice, bool retain)
    {
        if (!(_queue.Count > (_sending ? 1 : 0) && _queue.TryJoinBack(slice)))
        {
            if (retain)
                slice.Block.Retain();
            _queue.PushBack(slice);
        }
        else if (!retain)
        {
            slice.Block.Release(); // joined: the queued slice's reference covers it
        }

        _queuedBytes += slice.Length;
    }

    /// <summary>Writes what the socket takes without waiting (under the lock); a failed socket ends the client.</summary>
    private int SendNow(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var sent = socket.Send(bytes, SocketFlags.None, out var error);
            if (error is SocketError.Success or SocketError.WouldBlock)
                return Math.Max(sent, 0);
        }
        catch (ObjectDisposedException)
        {
        }

        _completed = true; // the egress went away or was cut off: the send loop ends it
        return 0;
    }

    /// <summary>Ends the stream: what is queued is still sent, then the socket is shut down.</summary>
    public void Complete() => Finish(abort: false);

    /// <summary>Cuts the client off now: the socket is closed, pending sends fail, its slices are released.</summary>
    public void Abort() => Finish(abort: true);

    private void Finish(bool abort)
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            wake = _waiting;
            _waiting = false;
        }

        if (abort)
            socket.Dispose();
        if (wake)
            _signal.SetResult(false);
    }

    /// <summary>Sends until completed (or the socket fails); then releases whatever is left.</summary>
    public async Task SendAsync(CancellationToken ct)
    {
        try
        {
            lock (_lock)
            {
                socket.Blocking = false;
                _direct = true;
            }

            while (await WaitAsync().ConfigureAwait(false))
            {
                TsSlice slice;
                lock (_lock)
                {
                    slice = _queue[0];
                    _sending = true;
                }

                await socket.SendAsync(slice.Memory, SocketFlags.None, ct).ConfigureAwait(false);
                lock (_lock)
                {
                    _sending = false;
                    _queue.PopFront();
                    _queuedBytes -= slice.Length;
                }

                slice.Block.Release();
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The egress went away, was cut off, or we are stopping: its FFmpeg ends and the router restarts it if needed.
        }
        finally
        {
            lock (_lock)
            {
                _completed = true;
                while (_queue.Count > 0)
                    _queue.PopFront().Block.Release();
                _queuedBytes = 0;
            }

            socket.Dispose();
        }
    }

    /// <summary>True when a slice is queued, false when the stream is complete and drained.</summary>
    private ValueTask<bool> WaitAsync()
    {
        lock (_lock)
        {
            if (_queue.Count > 0)
                return ValueTask.FromResult(true);
            if (_completed)
                return ValueTask.FromResult(false);
            _signal.Reset();
            _waiting = true;
            return new ValueTask<bool>(this, _signal.Version);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
