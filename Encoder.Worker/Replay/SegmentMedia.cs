using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Encoder.Replay;

/// <summary>A track of the replay: its kind (<c>vide</c>, <c>soun</c>), time scale, sample description (the <c>stsd</c> box as FFmpeg wrote it) and picture size.</summary>
public sealed record ReplayTrack(string Handler, int TimeScale, byte[] SampleDescription, int Width, int Height)
{
    /// <summary>The codec's four-character code (<c>avc1</c>, <c>mp4a</c>): the sample entry's type in the <c>stsd</c>.</summary>
    public string Codec => SampleDescription.Length >= 24 ? Encoding.ASCII.GetString(SampleDescription, 20, 4) : "";

    /// <summary>
    /// Two segments can share one MP4 when their tracks match: the same kind, time scale, codec and picture size. The rest of
    /// the description may differ from segment to segment (FFmpeg notes each one's bitrate, and the parameter sets as it found
    /// them); the first segment's goes in the MP4, and the pictures carry their parameter sets in band.
    /// </summary>
    public bool SameAs(ReplayTrack other) =>
        other is not null && Handler == other.Handler && TimeScale == other.TimeScale && Codec == other.Codec && Width == other.Width && Height == other.Height;
}

/// <summary>One packet of a remuxed segment: its track, decode time and duration (track ticks), composition offset, size, offset in the segment's <c>mdat</c> payload, keyframe.</summary>
public readonly record struct SegmentPacket(int Track, long Dts, long Duration, int CompositionOffset, int Size, long Offset, bool Key);

/// <summary>
/// One segment remuxed to MP4 by FFmpeg (<c>-c copy</c>): its tracks (from its <c>moov</c>), its packets (ffprobe's list, in file
/// order) and where its media lies (the <c>mdat</c> payload). Parsed here (pure); the segment's media then goes into the replay as it is.
/// </summary>
public sealed record SegmentMedia(IReadOnlyList<ReplayTrack> Tracks, IReadOnlyList<SegmentPacket> Packets, long MediaStart, long MediaLength)
{
    /// <summary>
    /// Reads the remuxed file (<paramref name="mp4"/>) and ffprobe's packet lines for it
    /// (<c>-show_entries packet=stream_index,pts,dts,duration,size,pos,flags -of csv=p=0</c>); null with a reason when they do not describe one
    /// <c>mdat</c> holding every packet.
    /// </summary>
    public static (SegmentMedia? Media, string? Problem) Parse(ReadOnlySpan<byte> mp4, IEnumerable<string> packetLines)
    {
        ArgumentNullException.ThrowIfNull(packetLines);
        var top = Mp4Boxes.TopLevel(mp4);
        var moov = top.FirstOrDefault(b => b.Type == "moov");
        var mdats = top.Where(b => b.Type == "mdat").ToList();
        if (moov.Type is null || mdats.Count != 1)
            return (null, "the remuxed segment has no moov or not exactly one mdat");
        var mdat = mdats[0];
        var tracks = new List<ReplayTrack>();
        foreach (var trak in Mp4Boxes.Children(mp4, moov).Where(b => b.Type == "trak"))
        {
            if (Track(mp4, trak) is not { } track)
                return (null, "a track of the remuxed segment lacks its header or sample description");
            tracks.Add(track);
        }

        var packets = new List<SegmentPacket>();
        foreach (var line in packetLines)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (Packet(line) is not { } packet || packet.Track < 0 || packet.Track >= tracks.Count)
                return (null, $"ffprobe's packet line '{line}' does not describe a packet of the segment");
            var offset = packet.Offset - mdat.PayloadStart;
            if (offset < 0 || offset + packet.Size > mdat.Size - mdat.HeaderLength)
                return (null, $"a packet at {packet.Offset} lies outside the segment's mdat");
            packets.Add(packet with { Offset = offset });
        }

        return (new SegmentMedia(tracks, packets, mdat.PayloadStart, mdat.Size - mdat.HeaderLength), null);
    }

    /// <summary>
    /// The media without the video packets that hold no picture (no coded slice: e.g. only an access unit delimiter, which
    /// a recorder writes when the camera goes away mid-frame). A decoder stops on those ("missing picture in access unit");
    /// a player skips to the next frame, and so does the replay. <paramref name="file"/> is the remuxed segment: its packets
    /// are length-prefixed NAL units (4-byte lengths, as FFmpeg writes H.264 and H.265 in MP4). A packet that cannot be
    /// read so is kept.
    /// </summary>
    public SegmentMedia WithoutEmptyPictures(ReadOnlySpan<byte> file)
    {
        var kept = new List<SegmentPacket>(Packets.Count);
        foreach (var packet in Packets)
        {
            var track = Tracks[packet.Track];
            if (track.Handler != "vide" || MediaStart + packet.Offset + packet.Size > file.Length
                || HasPicture(file.Slice((int)(MediaStart + packet.Offset), packet.Size), track.Codec) != false)
                kept.Add(packet);
        }

        return kept.Count == Packets.Count ? this : this with { Packets = kept };
    }

    /// <summary>Whether the packet holds a coded slice; null when its NAL units cannot be read (or the codec is not H.264/H.265).</summary>
    public static bool? HasPicture(ReadOnlySpan<byte> packet, string codec)
    {
        var hevc = codec is "hvc1" or "hev1";
        if (!hevc && codec is not ("avc1" or "avc3"))
            return null;
        var at = 0;
        while (at + 5 <= packet.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(packet[at..]);
            if (length <= 0 || at + 4L + length > packet.Length)
                return null;
            var header = packet[at + 4];
            var type = hevc ? (header >> 1) & 0x3f : header & 0x1f;
            if (hevc ? type <= 31 : type is >= 1 and <= 5)
                return true;
            at += 4 + length;
        }

        return at == packet.Length ? false : null;
    }

    private static ReplayTrack? Track(ReadOnlySpan<byte> mp4, Mp4Box trak)
    {
        if (Mp4Boxes.Child(mp4, trak, "tkhd") is not { } tkhd || Mp4Boxes.Find(mp4, trak, "mdia/mdhd") is not { } mdhd
            || Mp4Boxes.Find(mp4, trak, "mdia/hdlr") is not { } hdlr || Mp4Boxes.Find(mp4, trak, "mdia/minf/stbl/stsd") is not { } stsd)
            return null;
        var mdhdBody = mp4[(int)mdhd.PayloadStart..(int)mdhd.End];
        var timeScale = BinaryPrimitives.ReadInt32BigEndian(mdhdBody[(mdhdBody[0] == 1 ? 20 : 12)..]);
        var handler = Encoding.ASCII.GetString(mp4.Slice((int)hdlr.PayloadStart + 8, 4));
        var tkhdBody = mp4[(int)tkhd.PayloadStart..(int)tkhd.End];
        var size = tkhdBody[0] == 1 ? 88 : 76; // width and height: the last two 16.16 fields
        var width = BinaryPrimitives.ReadInt32BigEndian(tkhdBody[size..]) >> 16;
        var height = BinaryPrimitives.ReadInt32BigEndian(tkhdBody[(size + 4)..]) >> 16;
        return timeScale > 0 ? new ReplayTrack(handler, timeScale, mp4[(int)stsd.Start..(int)stsd.End].ToArray(), width, height) : null;
    }

    /// <summary><c>stream_index,pts,dts,duration,size,pos,flags</c> (ffprobe prints the fields in this order, whatever order they are asked in).</summary>
    private static SegmentPacket? Packet(string line)
    {
        var f = line.Split(',');
        if (f.Length < 7
            || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var track)
            || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pts)
            || !long.TryParse(f[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dts)
            || !long.TryParse(f[4], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out var pos)
            || size > int.MaxValue || pts - dts is > int.MaxValue or < int.MinValue)
            return null;
        var duration = long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? d : 0;
        return new SegmentPacket(track, dts, duration, (int)(pts - dts), (int)size, pos, f[6].StartsWith('K'));
    }
}
