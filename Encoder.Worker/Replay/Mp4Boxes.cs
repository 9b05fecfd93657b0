using System.Buffers.Binary;
using System.Text;

namespace Encoder.Replay;

/// <summary>One ISO BMFF box found in a buffer: its type, where it starts, its header's length and its whole size.</summary>
public readonly record struct Mp4Box(string Type, long Start, int HeaderLength, long Size)
{
    public long PayloadStart => Start + HeaderLength;

    public long End => Start + Size;
}

/// <summary>
/// Reads the box structure of an MP4 that FFmpeg wrote (a remuxed segment): the boxes of a level, a box by its path
/// (<c>moov/trak</c>). Bounds are checked: a box that claims more than its parent holds ends the walk.
/// </summary>
public static class Mp4Boxes
{
    /// <summary>The boxes between <paramref name="start"/> and <paramref name="end"/> of <paramref name="data"/>, in order.</summary>
    public static IReadOnlyList<Mp4Box> Children(ReadOnlySpan<byte> data, long start, long end)
    {
        var boxes = new List<Mp4Box>();
        var at = start;
        while (at + 8 <= end)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(data[(int)at..]);
            var type = Encoding.ASCII.GetString(data.Slice((int)at + 4, 4));
            var header = 8;
            if (size == 1)
            {
                if (at + 16 > end)
                    break;
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[((int)at + 8)..]);
                header = 16;
            }
            else if (size == 0)
            {
                size = end - at;
            }

            if (size < header || at + size > end)
                break;
            boxes.Add(new Mp4Box(type, at, header, size));
            at += size;
        }

        return boxes;
    }

    /// <summary>The top-level boxes of a whole file held in <paramref name="data"/>.</summary>
    public static IReadOnlyList<Mp4Box> TopLevel(ReadOnlySpan<byte> data) => Children(data, 0, data.Length);

    /// <summary>The children of <paramref name="parent"/> (a container box).</summary>
    public static IReadOnlyList<Mp4Box> Children(ReadOnlySpan<byte> data, Mp4Box parent) => Children(data, parent.PayloadStart, parent.End);

    /// <summary>The first child of <paramref name="parent"/> of type <paramref name="type"/>; null when there is none.</summary>
    public static Mp4Box? Child(ReadOnlySpan<byte> data, Mp4Box parent, string type)
    {
        foreach (var box in Children(data, parent))
        {
            if (box.Type == type)
                return box;
        }

        return null;
    }

    /// <summary>The box at <paramref name="path"/> (e.g. <c>mdia/minf/stbl/stsd</c>) under <paramref name="parent"/>; null when any step is missing.</summary>
    public static Mp4Box? Find(ReadOnlySpan<byte> data, Mp4Box parent, string path)
    {
        Mp4Box? at = parent;
        foreach (var step in path.Split('/'))
        {
            at = Child(data, at.Value, step);
            if (at is null)
                return null;
        }

        return at;
    }
}
