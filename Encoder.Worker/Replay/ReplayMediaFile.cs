using System.Globalization;

namespace Encoder.Replay;

/// <summary>
/// The replay's media gathered on this disk and not yet stored as parts: one file holding bytes <c>[Base, Base + Length)</c>
/// of the replay's media, its base in its name (<c>replay-media-{Base}.bin</c>). Once a part is stored, what is left is
/// copied into a file of its own (<see cref="DropBefore"/>): the file stays under a part and a segment long, and a daemon
/// killed in the middle leaves the old file whole (the lower base wins when it finds two).
/// </summary>
public sealed class ReplayMediaFile
{
    private const string Prefix = "replay-media-";
    private const string Suffix = ".bin";
    private readonly string _directory;

    private ReplayMediaFile(string directory, long @base)
    {
        _directory = directory;
        Base = @base;
    }

    public long Base { get; private set; }

    public long Length => File.Exists(PathFor(Base)) ? new FileInfo(PathFor(Base)).Length : 0;

    /// <summary>
    /// The file for media <paramref name="sent"/> to <paramref name="gathered"/> as an earlier run left it (a fresh one when
    /// nothing was gathered): what lies beyond <paramref name="gathered"/> (a segment appended but not journaled) is cut off.
    /// Null with a reason when the bytes the journal counts are not all there.
    /// </summary>
    public static (ReplayMediaFile? File, string? Problem) Open(string directory, long sent, long gathered)
    {
        var bases = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, Prefix + "*" + Suffix).Select(BaseOf).Where(b => b >= 0).Order().ToList()
            : [];
        foreach (var extra in bases.Skip(1))
            File.Delete(Path.Combine(directory, Name(extra))); // a copy cut short, or one left behind
        if (bases.Count == 0)
            return gathered == sent ? (new ReplayMediaFile(directory, sent), null) : (null, "the replay's media gathered on this disk is gone");
        var media = new ReplayMediaFile(directory, bases[0]);
        if (media.Base > sent || media.Base + media.Length < gathered)
            return (null, string.Create(CultureInfo.InvariantCulture, $"the replay's media on this disk ({media.Base}+{media.Length} bytes) does not hold what its journal counts ({sent} to {gathered})"));
        using (var file = new FileStream(media.PathFor(media.Base), FileMode.Open, FileAccess.Write))
            file.SetLength(gathered - media.Base);
        return (media, null);
    }

    public static void DeleteAll(string directory)
    {
        if (Directory.Exists(directory))
            foreach (var file in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
                File.Delete(file);
    }

    public async Task AppendAsync(ReadOnlyMemory<byte> media, CancellationToken cancellationToken)
    {
        var output = new FileStream(PathFor(Base), FileMode.Append, FileAccess.Write, FileShare.Read);
        await using (output.ConfigureAwait(false))
            await output.WriteAsync(media, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Media bytes <c>[offset, offset + size)</c> of the replay.</summary>
    public async Task<byte[]> ReadAsync(long offset, int size, CancellationToken cancellationToken)
    {
        var content = new byte[size];
        var input = new FileStream(PathFor(Base), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        await using (input.ConfigureAwait(false))
        {
            input.Position = offset - Base;
            await input.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        }

        return content;
    }

    /// <summary>Keeps only the media from <paramref name="offset"/> on (it is stored before it): copied into a new file, then the old one goes.</summary>
    public void DropBefore(long offset)
    {
        if (offset <= Base)
            return;
        var old = PathFor(Base);
        if (File.Exists(old) && new FileInfo(old).Length > offset - Base)
        {
            using var input = new FileStream(old, FileMode.Open, FileAccess.Read);
            using var output = new FileStream(PathFor(offset), FileMode.Create, FileAccess.Write);
            input.Position = offset - Base;
            input.CopyTo(output);
        }

        File.Delete(old);
        Base = offset;
    }

    private string PathFor(long @base) => Path.Combine(_directory, Name(@base));

    private static string Name(long @base) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{@base}{Suffix}");

    private static long BaseOf(string path)
    {
        var name = Path.GetFileName(path);
        return long.TryParse(name.AsSpan(Prefix.Length, name.Length - Prefix.Length - Suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : -1;
    }
}
