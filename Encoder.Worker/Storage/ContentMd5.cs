using System.Security.Cryptography;

namespace Encoder.Storage;

/// <summary>
/// MD5 as S3 uses it: an integrity check (Content-MD5, ETag), not security. The only place the daemon hashes.
/// </summary>
#pragma warning disable CA5351 // S3's Content-MD5 and ETag are MD5 by definition; nothing here protects a secret
public static class ContentMd5
{
    public static byte[] Of(ReadOnlySpan<byte> content) => MD5.HashData(content);

    public static string Hex(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(MD5.HashData(content));

    public static async Task<string> HexAsync(Stream stream, CancellationToken cancellationToken) =>
        Convert.ToHexStringLower(await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));

    public static IncrementalHash Incremental() => IncrementalHash.CreateHash(HashAlgorithmName.MD5);

    /// <summary>The ETag S3 gives a multipart object: the MD5 of the parts' MD5s, a dash, the number of parts.</summary>
    public static string MultipartETag(IReadOnlyList<byte[]> partDigests)
    {
        ArgumentNullException.ThrowIfNull(partDigests);
        return $"{Convert.ToHexStringLower(MD5.HashData(partDigests.SelectMany(d => d).ToArray()))}-{partDigests.Count}";
    }
}
#pragma warning restore CA5351
