namespace Encoder.Replay;

/// <summary>
/// The storyboard's raw tiles on this disk (4:2:0, one after another): those of the unfinished sheet in <see cref="FileName"/>,
/// and the last tile of the last full sheet in <see cref="LastFileName"/> (the tile a segment without keyframes repeats).
/// </summary>
public sealed class RawTiles(string folder)
{
    public const string FileName = "replay-storyboard.yuv";
    public const string LastFileName = "replay-storyboard-last.yuv";

    public string Path => System.IO.Path.Combine(folder, FileName);

    private string LastPath => System.IO.Path.Combine(folder, LastFileName);

    /// <summary>
    /// Keeps the first <paramref name="count"/> tiles an earlier run journaled (those written after are cut off: made again) and
    /// gives the last tile made (null when none); false when fewer than <paramref name="count"/> are here.
    /// </summary>
    public async Task<(bool Whole, byte[]? Last)> ResumeAsync(int count, PictureSize? tile, CancellationToken cancellationToken)
    {
        var bytes = (long)count * (tile?.Yuv420Bytes ?? 0);
        if ((File.Exists(Path) ? new FileInfo(Path).Length : 0) < bytes)
            return (false, null);
        if (bytes == 0)
        {
            File.Delete(Path);
            return (true, File.Exists(LastPath) ? await File.ReadAllBytesAsync(LastPath, cancellationToken).ConfigureAwait(false) : null);
        }

        using (var file = new FileStream(Path, FileMode.Open, FileAccess.Write))
            file.SetLength(bytes);
        return (true, (await File.ReadAllBytesAsync(Path, cancellationToken).ConfigureAwait(false))[^tile!.Value.Yuv420Bytes..]);
    }

    public async Task AppendAsync(byte[] picture, CancellationToken cancellationToken)
    {
        var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        await using (file.ConfigureAwait(false))
            await file.WriteAsync(picture, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Once their sheet is made: the raw tiles go, the last of them is kept.</summary>
    public async Task SheetMadeAsync(byte[]? last, CancellationToken cancellationToken)
    {
        if (last is not null)
            await File.WriteAllBytesAsync(LastPath, last, cancellationToken).ConfigureAwait(false);
        File.Delete(Path);
    }

    public void DeleteAll()
    {
        File.Delete(Path);
        File.Delete(LastPath);
    }
}
