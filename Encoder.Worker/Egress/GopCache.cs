namespace Encoder.Egress;

/// <summary>What the cache made of one datagram.</summary>
/// <param name="Accepted">False when the datagram was not whole, synced MPEG-TS packets: it was dropped.</param>
/// <param name="ContinuityErrors">Packets that did not follow their PID's previous one (loss upstream or on the socket).</param>
public readonly record struct DatagramVerdict(bool Accepted, int ContinuityErrors);

/// <summary>
/// Remembers what a viewer joining an MPEG-TS stream needs to start at once: the latest PAT and PMT, and every packet
/// since the start of the previous keyframe's GOP (so at least one whole GOP). A keyframe is a packet on the video
/// PID (from the PMT) that starts a PES and carries the random-access indicator, as FFmpeg's muxer marks it.
/// The GOPs are kept as slices of the pooled blocks the datagrams were received into (a reference each, runs of
/// adjacent packets joined): caching copies nothing and allocates nothing per packet; evicting a GOP releases its blocks.
/// </summary>
public sealed class GopCache(int maxBytes = GopCache.DefaultMaxBytes, RelayBlockPool? pool = null)
{
    public const int PacketSize = TsPacket.Size;
    public const int DefaultMaxBytes = 32 * 1024 * 1024;
    private static ReadOnlySpan<byte> VideoStreamTypes => [0x1B, 0x24, 0x02]; // H.264, HEVC, MPEG-2
    private readonly RelayBlockPool _pool = pool ?? new RelayBlockPool();
    private readonly ContinuityCheck _continuity = new();
    private readonly byte[] _pat = new byte[PacketSize];
    private readonly byte[] _pmt = new byte[PacketSize];
    private readonly SliceRing _gops = new(); // the previous GOP's slices, then the current one's
    private bool _hasPat;
    private bool _hasPmt;
    private int _pmtPid = -1;
    private int _videoPid = -1;
    private int _previousSlices;
    private bool _inGop; // a keyframe started the current GOP (and the bound did not end it)
    private long _bytes;

    public int VideoPid => _videoPid;

    /// <summary>Blocks the cache's GOPs hold, for the relay's pool to share.</summary>
    public RelayBlockPool Pool => _pool;

    /// <summary>
    /// Takes one datagram: whole 188-byte packets, each starting with the sync byte, at most
    /// <paramref name="maxPackets"/> of them. Anything else is rejected whole (and should not be relayed either);
    /// a packet whose PAT or PMT does not parse is ignored. Never throws, whatever the bytes.
    /// </summary>
    public DatagramVerdict Add(TsSlice datagram, int maxPackets = int.MaxValue)
    {
        if (!IsWholePackets(datagram.Span, maxPackets))
            return new DatagramVerdict(false, 0);

        var bytes = datagram.Span;
        var continuityErrors = 0;
        var runStart = -1; // the run of packets to cache that ends before the current one
        for (var offset = 0; offset < bytes.Length; offset += PacketSize)
        {
            var packet = bytes.Slice(offset, PacketSize);
            continuityErrors += _continuity.Breaks(packet) ? 1 : 0;
            var kind = Classify(packet);
            if (kind != PacketKind.Media || !_inGop)
            {
                Cache(datagram, ref runStart, offset);
                if (kind == PacketKind.Keyframe)
                {
                    StartGop();
                    runStart = offset;
                }
            }
            else if (runStart < 0)
            {
                runStart = offset;
            }
        }

        Cache(datagram, ref runStart, bytes.Length);
        return new DatagramVerdict(true, continuityErrors);
    }

    /// <summary>The same for bytes not in a block (tests, tools): they are copied into one first.</summary>
    public DatagramVerdict Add(ReadOnlySpan<byte> datagram, int maxPackets = int.MaxValue)
    {
        if (!IsWholePackets(datagram, maxPackets))
            return new DatagramVerdict(false, 0);
        var block = _pool.Rent(datagram.Length);
        try
        {
            datagram.CopyTo(block.Bytes);
            return Add(new TsSlice(block, 0, datagram.Length), maxPackets);
        }
        finally
        {
            block.Release();
        }
    }

    /// <summary>True when a viewer can start from the cache: PAT, PMT and a keyframe have been seen.</summary>
    public bool CanStartViewer => _hasPat && _hasPmt && _gops.Count > _previousSlices;

    /// <summary>What <see cref="SnapshotTo"/> hands: PAT, PMT and the GOPs, or nothing.</summary>
    public long SnapshotBytes => CanStartViewer ? 2 * PacketSize + _bytes : 0;

    /// <summary>
    /// Hands a new viewer what it needs first: PAT and PMT (copied into a block of their own), then the cached GOPs
    /// (a reference each, which <paramref name="take"/> owns). Nothing until a keyframe has been seen. Returns the bytes handed.
    /// </summary>
    public long SnapshotTo(Action<TsSlice> take)
    {
        ArgumentNullException.ThrowIfNull(take);
        if (!CanStartViewer)
            return 0;
        var psi = _pool.Rent();
        _pat.CopyTo(psi.Bytes, 0);
        _pmt.CopyTo(psi.Bytes, PacketSize);
        take(new TsSlice(psi, 0, 2 * PacketSize));
        for (var i = 0; i < _gops.Count; i++)
        {
            _gops[i].Block.Retain();
            take(_gops[i]);
        }

        return 2 * PacketSize + _bytes;
    }

    /// <summary>What a new viewer gets first, as one array: PAT, PMT, then the cached GOPs; empty until a keyframe.</summary>
    public byte[] Snapshot()
    {
        var snapshot = new List<byte>();
        SnapshotTo(slice =>
        {
            snapshot.AddRange(slice.Span);
            slice.Block.Release();
        });
        return [.. snapshot];
    }

    /// <summary>Forgets everything (a new recorder run starts a new stream) and releases its blocks.</summary>
    public void Clear()
    {
        _hasPat = _hasPmt = false;
        _pmtPid = _videoPid = -1;
        DropGops();
        _continuity.Clear();
    }

    private static bool IsWholePackets(ReadOnlySpan<byte> datagram, int maxPackets)
    {
        if (datagram.Length == 0 || datagram.Length % PacketSize != 0 || datagram.Length / PacketSize > maxPackets)
            return false;
        for (var offset = 0; offset < datagram.Length; offset += PacketSize)
        {
            if (datagram[offset] != TsPacket.SyncByte)
                return false;
        }

        return true;
    }

    private enum PacketKind { Media, Psi, Keyframe }

    /// <summary>Takes PAT and PMT in (not cached with the GOPs: a joiner gets the latest first); spots keyframes.</summary>
    private PacketKind Classify(ReadOnlySpan<byte> packet)
    {
        var pid = TsPacket.Pid(packet);
        var payloadStart = TsPacket.StartsPayload(packet);
        if (pid == 0 && payloadStart)
        {
            if (TsPacket.ProgramMapPid(packet) is var pmtPid and >= 0)
            {
                packet.CopyTo(_pat);
                _hasPat = true;
                _pmtPid = pmtPid;
            }

            return PacketKind.Psi;
        }

        if (pid == _pmtPid && payloadStart)
        {
            if (TsPacket.VideoPid(packet, VideoStreamTypes) is var videoPid and >= 0)
            {
                packet.CopyTo(_pmt);
                _hasPmt = true;
                _videoPid = videoPid;
            }

            return PacketKind.Psi;
        }

        return pid == _videoPid && payloadStart && TsPacket.IsRandomAccess(packet) ? PacketKind.Keyframe : PacketKind.Media;
    }

    /// <summary>A keyframe: the current GOP becomes the previous one, the one before is released.</summary>
    private void StartGop()
    {
        for (; _previousSlices > 0; _previousSlices--)
            Evict();
        _previousSlices = _gops.Count;
        _inGop = true;
    }

    /// <summary>Caches packets [<paramref name="runStart"/>, <paramref name="end"/>) of the datagram, if any.</summary>
    private void Cache(TsSlice datagram, ref int runStart, int end)
    {
        if (runStart < 0)
            return;
        var run = datagram.Slice(runStart, end - runStart);
        runStart = -1;
        if (!(_gops.Count > _previousSlices && _gops.TryJoinBack(run)))
        {
            run.Block.Retain();
            _gops.PushBack(run);
        }

        _bytes += run.Length;
        if (_bytes > maxBytes)
            DropGops(); // no keyframe for far too long: keep memory bounded, start again at the next keyframe
    }

    private void DropGops()
    {
        while (_gops.Count > 0)
            Evict();
        _previousSlices = 0;
        _inGop = false;
    }

    private void Evict()
    {
        var slice = _gops.PopFront();
        _bytes -= slice.Length;
        slice.Block.Release();
    }
}
