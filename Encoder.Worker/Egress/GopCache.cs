namespace Encoder.Egress;

/// <summary>
/// Remembers what a viewer joining an MPEG-TS stream needs to start at once: the latest PAT and PMT, and every packet
/// since the start of the previous keyframe's GOP (so at least one whole GOP). A keyframe is a packet on the video
/// PID (from the PMT) that starts a PES and carries the random-access indicator, as FFmpeg's muxer marks it.
/// </summary>
public sealed class GopCache(int maxBytes = GopCache.DefaultMaxBytes)
{
    public const int PacketSize = 188;
    public const int DefaultMaxBytes = 32 * 1024 * 1024;
    private const byte SyncByte = 0x47;
    private static readonly byte[] VideoStreamTypes = [0x1B, 0x24, 0x02]; // H.264, HEVC, MPEG-2

    private byte[]? _pat;
    private byte[]? _pmt;
    private int _pmtPid = -1;
    private int _videoPid = -1;
    private List<byte[]> _previousGop = [];
    private List<byte[]> _currentGop = [];
    private int _bytes;

    public int VideoPid => _videoPid;

    /// <summary>Takes one datagram (whole 188-byte packets; anything else is ignored).</summary>
    public void Add(ReadOnlySpan<byte> datagram)
    {
        for (var offset = 0; offset + PacketSize <= datagram.Length; offset += PacketSize)
            AddPacket(datagram.Slice(offset, PacketSize));
    }

    /// <summary>What a new viewer gets first: PAT, PMT, then the cached GOPs; empty until a keyframe has been seen.</summary>
    public byte[] Snapshot()
    {
        if (_pat is null || _pmt is null || _currentGop.Count == 0)
            return [];
        var snapshot = new byte[PacketSize * (2 + _previousGop.Count + _currentGop.Count)];
        var span = snapshot.AsSpan();
        _pat.CopyTo(span);
        _pmt.CopyTo(span[PacketSize..]);
        var at = 2 * PacketSize;
        foreach (var packet in _previousGop.Concat(_currentGop))
        {
            packet.CopyTo(span[at..]);
            at += PacketSize;
        }

        return snapshot;
    }

    /// <summary>Forgets everything (a new recorder run starts a new stream).</summary>
    public void Clear()
    {
        _pat = _pmt = null;
        _pmtPid = _videoPid = -1;
        _previousGop = [];
        _currentGop = [];
        _bytes = 0;
    }

    private void AddPacket(ReadOnlySpan<byte> packet)
    {
        if (packet[0] != SyncByte)
            return;
        var pid = ((packet[1] & 0x1F) << 8) | packet[2];
        var payloadStart = (packet[1] & 0x40) != 0;
        if (pid == 0 && payloadStart)
        {
            _pat = packet.ToArray();
            _pmtPid = ProgramMapPid(packet);
            return;
        }

        if (pid == _pmtPid && payloadStart)
        {
            _pmt = packet.ToArray();
            _videoPid = VideoPidOf(packet);
            return;
        }

        if (pid == _videoPid && payloadStart && IsRandomAccess(packet))
        {
            _bytes -= _previousGop.Count * PacketSize;
            _previousGop = _currentGop;
            _currentGop = [];
        }

        if (_currentGop.Count == 0 && !(pid == _videoPid && payloadStart && IsRandomAccess(packet)))
            return; // nothing useful before the first keyframe

        _currentGop.Add(packet.ToArray());
        _bytes += PacketSize;
        if (_bytes > maxBytes)
        {
            // No keyframe for far too long: keep memory bounded, start again at the next keyframe.
            _bytes -= (_previousGop.Count + _currentGop.Count) * PacketSize;
            _previousGop = [];
            _currentGop = [];
        }
    }

    private static bool IsRandomAccess(ReadOnlySpan<byte> packet)
    {
        var adaptation = (packet[3] & 0x20) != 0;
        return adaptation && packet[4] > 0 && (packet[5] & 0x40) != 0;
    }

    /// <summary>
    /// Where a PSI section starts (after the header, the adaptation field and the pointer field) and where its entries
    /// end (before the CRC, or at the packet's end for a section longer than one packet).
    /// </summary>
    private static (int Start, int End) Section(ReadOnlySpan<byte> packet)
    {
        var at = 4;
        if ((packet[3] & 0x20) != 0)
            at += 1 + packet[4];
        var start = at + 1 + packet[at];
        var length = ((packet[start + 1] & 0x0F) << 8) | packet[start + 2];
        return (start, Math.Min(start + 3 + length - 4, PacketSize));
    }

    private static int ProgramMapPid(ReadOnlySpan<byte> packet)
    {
        var (section, end) = Section(packet);
        for (var at = section + 8; at + 4 <= end; at += 4)
        {
            var program = (packet[at] << 8) | packet[at + 1];
            if (program != 0)
                return ((packet[at + 2] & 0x1F) << 8) | packet[at + 3];
        }

        return -1;
    }

    private static int VideoPidOf(ReadOnlySpan<byte> packet)
    {
        var (section, end) = Section(packet);
        var programInfoLength = ((packet[section + 10] & 0x0F) << 8) | packet[section + 11];
        for (var at = section + 12 + programInfoLength; at + 5 <= end;)
        {
            var streamType = packet[at];
            var elementaryPid = ((packet[at + 1] & 0x1F) << 8) | packet[at + 2];
            if (VideoStreamTypes.Contains(streamType))
                return elementaryPid;
            at += 5 + (((packet[at + 3] & 0x0F) << 8) | packet[at + 4]);
        }

        return -1;
    }
}
