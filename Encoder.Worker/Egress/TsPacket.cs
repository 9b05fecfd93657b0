namespace Encoder.Egress;

/// <summary>
/// Reads the few fields of one 188-byte MPEG-TS packet the relay needs. Nothing here trusts a length it reads: every
/// adaptation, pointer, section and descriptor length is checked against the packet and the section before use, and
/// anything that does not fit reads as "not found" (-1 or false). No input can make these throw.
/// </summary>
public static class TsPacket
{
    public const int Size = 188;
    public const byte SyncByte = 0x47;
    public const int NullPid = 0x1FFF;
    private const int SectionHeader = 3; // table_id, section_syntax_indicator .. section_length
    private const int Crc = 4;

    public static bool IsSynced(ReadOnlySpan<byte> packet) => packet.Length == Size && packet[0] == SyncByte;

    public static int Pid(ReadOnlySpan<byte> packet) => ((packet[1] & 0x1F) << 8) | packet[2];

    public static bool StartsPayload(ReadOnlySpan<byte> packet) => (packet[1] & 0x40) != 0;

    public static bool HasPayload(ReadOnlySpan<byte> packet) => (packet[3] & 0x10) != 0;

    public static int ContinuityCounter(ReadOnlySpan<byte> packet) => packet[3] & 0x0F;

    /// <summary>Where the payload starts, or -1 when the adaptation field claims more than the packet holds.</summary>
    public static int PayloadOffset(ReadOnlySpan<byte> packet)
    {
        if ((packet[3] & 0x20) == 0)
            return 4;
        var end = 5 + packet[4];
        return end <= Size ? end : -1;
    }

    /// <summary>The adaptation field's random-access indicator (a keyframe, as FFmpeg's muxer marks it).</summary>
    public static bool IsRandomAccess(ReadOnlySpan<byte> packet) =>
        (packet[3] & 0x20) != 0 && packet[4] > 0 && (packet[5] & 0x40) != 0;

    /// <summary>The adaptation field's discontinuity indicator: the continuity counter may jump here.</summary>
    public static bool IsDiscontinuity(ReadOnlySpan<byte> packet) =>
        (packet[3] & 0x20) != 0 && packet[4] > 0 && (packet[5] & 0x80) != 0;

    /// <summary>
    /// The PSI section's entries (after its 8-byte syntax header, before its CRC), clipped to the packet for a section
    /// longer than one packet; empty when any length does not fit.
    /// </summary>
    public static ReadOnlySpan<byte> SectionEntries(ReadOnlySpan<byte> packet)
    {
        var payload = PayloadOffset(packet);
        if (payload < 0 || payload >= Size)
            return [];
        var start = payload + 1 + packet[payload]; // pointer_field
        if (start + SectionHeader + 5 + Crc > Size)
            return [];
        var length = ((packet[start + 1] & 0x0F) << 8) | packet[start + 2];
        if (length < 5 + Crc)
            return [];
        var entries = start + SectionHeader + 5;
        var end = Math.Min(start + SectionHeader + length - Crc, Size);
        return packet[entries..end];
    }

    /// <summary>The first program's PMT PID in a PAT packet, or -1.</summary>
    public static int ProgramMapPid(ReadOnlySpan<byte> pat)
    {
        var entries = SectionEntries(pat);
        for (var at = 0; at + 4 <= entries.Length; at += 4)
        {
            var program = (entries[at] << 8) | entries[at + 1];
            if (program != 0)
                return ((entries[at + 2] & 0x1F) << 8) | entries[at + 3];
        }

        return -1;
    }

    /// <summary>The first video stream's PID in a PMT packet, or -1.</summary>
    public static int VideoPid(ReadOnlySpan<byte> pmt, ReadOnlySpan<byte> videoStreamTypes)
    {
        var entries = SectionEntries(pmt);
        if (entries.Length < 4)
            return -1;
        var programInfoLength = ((entries[2] & 0x0F) << 8) | entries[3];
        for (var at = 4 + programInfoLength; at + 5 <= entries.Length;)
        {
            var streamType = entries[at];
            var elementaryPid = ((entries[at + 1] & 0x1F) << 8) | entries[at + 2];
            if (videoStreamTypes.Contains(streamType))
                return elementaryPid;
            at += 5 + (((entries[at + 3] & 0x0F) << 8) | entries[at + 4]);
        }

        return -1;
    }
}
