using System.Buffers.Binary;
using System.Text;

namespace Encoder.Replay;

/// <summary>
/// The front of the replay MP4 (pure): <c>ftyp</c>, the <c>moov</c> that indexes every sample of the class, a <c>free</c> box
/// padding it to <c>minLength</c> (an S3 part that is not the last must hold 5 MiB), and the header of the <c>mdat</c> whose
/// payload, the segments' media as <see cref="ReplayTimeline"/> laid it out, follows in the next parts. The index comes first,
/// so a browser loads it and then reads any sample with a range request: a "faststart" MP4, without a second pass over the media.
/// Every sample is its own chunk (64-bit offsets), so the index does not depend on how the media was cut into parts.
/// </summary>
public static class MovieHeader
{
    private const int MovieTimeScale = 1000;
    private const int MdatHeaderLength = 16; // 64-bit size: the media may pass 4 GiB

    public static byte[] Build(ReplayTimeline timeline, long minLength)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        var ftyp = Ftyp();
        var durations = timeline.Samples.Select(ReplayTimeline.Durations).ToArray();
        var moovLength = Moov(timeline, durations, 0).Length; // offsets are 64-bit whatever their value: the length does not depend on them
        var unpadded = ftyp.Length + moovLength + MdatHeaderLength;
        var pad = Math.Max(0, minLength - unpadded);
        if (pad is > 0 and < 8)
            pad = 8;
        var mediaStart = unpadded + pad;
        var moov = Moov(timeline, durations, mediaStart);
        var header = new byte[mediaStart];
        ftyp.CopyTo(header, 0);
        moov.CopyTo(header, ftyp.Length);
        var at = ftyp.Length + moov.Length;
        if (pad > 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(at), (uint)pad);
            Encoding.ASCII.GetBytes("free").CopyTo(header, at + 4);
            at += (int)pad;
        }

        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(at), 1);
        Encoding.ASCII.GetBytes("mdat").CopyTo(header, at + 4);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(at + 8), (ulong)(MdatHeaderLength + timeline.MediaLength));
        return header;
    }

    /// <summary>The replay's duration: its longest track's.</summary>
    public static TimeSpan Duration(ReplayTimeline timeline)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        return timeline.Tracks.Select((t, i) => TimeSpan.FromSeconds((double)TrackDuration(timeline.Samples[i]) / t.TimeScale)).DefaultIfEmpty().Max();
    }

    private static long TrackDuration(IReadOnlyList<ReplaySample> samples) =>
        samples.Count == 0 ? 0 : ReplayTimeline.Durations(samples).Sum() + samples[0].Time;

    private static byte[] Ftyp()
    {
        using var w = new BoxWriter();
        w.Begin("ftyp");
        w.Type("isom");
        w.U32(512);
        foreach (var brand in (string[])["isom", "iso2", "avc1", "mp41"])
            w.Type(brand);
        w.End();
        return w.ToArray();
    }

    private static byte[] Moov(ReplayTimeline timeline, long[][] durations, long mediaStart)
    {
        using var w = new BoxWriter();
        w.Begin("moov");
        var movieDuration = (long)Math.Ceiling(timeline.Tracks
            .Select((t, i) => (durations[i].Sum() + (timeline.Samples[i].Count > 0 ? timeline.Samples[i][0].Time : 0)) * 1000.0 / t.TimeScale).DefaultIfEmpty().Max());
        w.Begin("mvhd");
        w.U32(0); // version 0, no flags
        w.U32(0);
        w.U32(0);
        w.U32(MovieTimeScale);
        w.U32((uint)movieDuration);
        w.U32(0x00010000); // rate 1.0
        w.U16(0x0100); // volume 1.0
        w.Zeros(10);
        Matrix(w);
        w.Zeros(24);
        w.U32((uint)timeline.Tracks.Count + 1);
        w.End();
        for (var i = 0; i < timeline.Tracks.Count; i++)
            Trak(w, i + 1, timeline.Tracks[i], timeline.Samples[i], durations[i], mediaStart);
        w.End();
        return w.ToArray();
    }

    private static void Trak(BoxWriter w, int id, ReplayTrack track, IReadOnlyList<ReplaySample> samples, long[] durations, long mediaStart)
    {
        var trackDuration = durations.Sum() + (samples.Count > 0 ? samples[0].Time : 0);
        var video = track.Handler == "vide";
        w.Begin("trak");
        w.Begin("tkhd");
        w.U32(3); // enabled, in movie
        w.U32(0);
        w.U32(0);
        w.U32((uint)id);
        w.U32(0);
        w.U32((uint)Math.Ceiling((double)trackDuration * MovieTimeScale / track.TimeScale));
        w.Zeros(8);
        w.U16(0); // layer
        w.U16(0); // alternate group
        w.U16(video ? (ushort)0 : (ushort)0x0100);
        w.U16(0);
        Matrix(w);
        w.U32((uint)(video ? track.Width << 16 : 0));
        w.U32((uint)(video ? track.Height << 16 : 0));
        w.End();
        if (samples.Count > 0 && samples[0].Time > 0)
        {
            // The track's first sample plays where the VOD plays it: an empty edit before it.
            w.Begin("edts");
            w.Begin("elst");
            w.U32(0);
            w.U32(2);
            w.U32((uint)Math.Round((double)samples[0].Time * MovieTimeScale / track.TimeScale));
            w.U32(uint.MaxValue); // media time -1: empty
            w.U32(0x00010000);
            w.U32((uint)Math.Ceiling((double)durations.Sum() * MovieTimeScale / track.TimeScale));
            w.U32(0);
            w.U32(0x00010000);
            w.End();
            w.End();
        }

        w.Begin("mdia");
        w.Begin("mdhd");
        w.U32(0);
        w.U32(0);
        w.U32(0);
        w.U32((uint)track.TimeScale);
        w.U32((uint)Math.Min(durations.Sum(), uint.MaxValue));
        w.U16(0x55C4); // "und"
        w.U16(0);
        w.End();
        w.Begin("hdlr");
        w.U32(0);
        w.U32(0);
        w.Type(track.Handler);
        w.Zeros(12);
        w.Bytes(Encoding.ASCII.GetBytes(video ? "VideoHandler\0" : "SoundHandler\0"));
        w.End();
        w.Begin("minf");
        if (video)
        {
            w.Begin("vmhd");
            w.U32(1);
            w.Zeros(8);
            w.End();
        }
        else
        {
            w.Begin("smhd");
            w.U32(0);
            w.Zeros(4);
            w.End();
        }

        w.Begin("dinf");
        w.Begin("dref");
        w.U32(0);
        w.U32(1);
        w.Begin("url ");
        w.U32(1); // the media is in this file
        w.End();
        w.End();
        w.End();
        SampleTable(w, track, samples, durations, mediaStart);
        w.End(); // minf
        w.End(); // mdia
        w.End(); // trak
    }

    private static void SampleTable(BoxWriter w, ReplayTrack track, IReadOnlyList<ReplaySample> samples, long[] durations, long mediaStart)
    {
        w.Begin("stbl");
        w.Bytes(track.SampleDescription);
        RunLengths(w, "stts", 0, durations.Select(d => (uint)Math.Min(d, uint.MaxValue)));
        if (samples.Any(s => s.CompositionOffset != 0))
            RunLengths(w, "ctts", samples.Any(s => s.CompositionOffset < 0) ? 1 : 0, samples.Select(s => unchecked((uint)s.CompositionOffset)));
        if (samples.Any(s => !s.Key))
        {
            var keys = samples.Select((s, i) => (s.Key, Number: i + 1)).Where(k => k.Key).ToList();
            w.Begin("stss");
            w.U32(0);
            w.U32((uint)keys.Count);
            foreach (var key in keys)
                w.U32((uint)key.Number);
            w.End();
        }

        w.Begin("stsc");
        w.U32(0);
        w.U32(1);
        w.U32(1); // from chunk 1: one sample per chunk, description 1
        w.U32(1);
        w.U32(1);
        w.End();
        w.Begin("stsz");
        w.U32(0);
        w.U32(0);
        w.U32((uint)samples.Count);
        foreach (var sample in samples)
            w.U32((uint)sample.Size);
        w.End();
        w.Begin("co64");
        w.U32(0);
        w.U32((uint)samples.Count);
        foreach (var sample in samples)
            w.U64((ulong)(mediaStart + sample.Offset));
        w.End();
        w.End();
    }

    /// <summary>A table of (count, value) runs: <c>stts</c> (durations) and <c>ctts</c> (composition offsets).</summary>
    private static void RunLengths(BoxWriter w, string type, int version, IEnumerable<uint> values)
    {
        var runs = new List<(uint Count, uint Value)>();
        foreach (var value in values)
        {
            if (runs.Count > 0 && runs[^1].Value == value)
                runs[^1] = (runs[^1].Count + 1, value);
            else
                runs.Add((1, value));
        }

        w.Begin(type);
        w.U32((uint)version << 24);
        w.U32((uint)runs.Count);
        foreach (var (count, value) in runs)
        {
            w.U32(count);
            w.U32(value);
        }

        w.End();
    }

    private static void Matrix(BoxWriter w)
    {
        foreach (var value in (uint[])[0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000])
            w.U32(value);
    }

    /// <summary>Writes boxes: <see cref="Begin"/> opens one, <see cref="End"/> closes it and writes its size.</summary>
    private sealed class BoxWriter : IDisposable
    {
        private readonly Stack<int> _open = new();
        private byte[] _buffer = new byte[1 << 16];
        private int _length;

        public void Begin(string type)
        {
            _open.Push(_length);
            U32(0);
            Type(type);
        }

        public void End()
        {
            var start = _open.Pop();
            BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(start), (uint)(_length - start));
        }

        public void Type(string fourCc) => Encoding.ASCII.GetBytes(fourCc, Room(4));

        public void U16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Room(2), value);

        public void U32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Room(4), value);

        public void U32(int value) => U32(unchecked((uint)value));

        public void U64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Room(8), value);

        public void Zeros(int count) => Room(count).Clear();

        public void Bytes(byte[] bytes) => bytes.CopyTo(Room(bytes.Length));

        public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

        public void Dispose()
        {
        }

        private Span<byte> Room(int count)
        {
            if (_length + count > _buffer.Length)
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
            var room = _buffer.AsSpan(_length, count);
            _length += count;
            return room;
        }
    }
}
