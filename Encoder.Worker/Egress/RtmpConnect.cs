using System.Buffers.Binary;
using System.Text;

namespace Encoder.Egress;

/// <summary>
/// RTMP's <c>connect</c> to an ingest's application, after the handshake, and nothing more: no <c>createStream</c>, no
/// <c>publish</c>, so nothing is ever streamed and the stream key (the URL's last part) is never sent. The answer is
/// <c>_result</c> (the ingest takes connections for this application) or <c>_error</c> (it refuses, with its code).
/// Messages go out as one chunk each after raising the chunk size; answers are read chunk by chunk, as the server
/// sends them (window size, bandwidth, chunk size, then the command's answer).
/// </summary>
public static class RtmpConnect
{
    public const int HandshakeSize = 1536;
    private const int ChunkSize = 4096;
    private const byte SetChunkSizeType = 1;
    private const byte CommandAmf0Type = 20;

    /// <summary>
    /// The application and the <c>tcUrl</c> FFmpeg's RTMP client sends for <paramref name="uri"/>: the first path part
    /// (with the query, if any, as FFmpeg keeps it) is the application; the rest, the stream key, is not part of either.
    /// </summary>
    public static (string App, string TcUrl) Split(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var path = uri.AbsolutePath.TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var app = (slash < 0 ? path : path[..slash]) + uri.Query;
        var port = uri.IsDefaultPort || uri.Port <= 0 ? "" : $":{uri.Port}";
        return (app, $"{uri.Scheme}://{uri.Host}{port}/{app}");
    }

    /// <summary>Set Chunk Size (4096), then <c>connect(1, {app, type, flashVer, tcUrl})</c> in one chunk: the bytes to write after the handshake.</summary>
    public static byte[] ConnectMessages(string app, string tcUrl)
    {
        var body = new MemoryStream();
        Amf0String(body, "connect");
        Amf0Number(body, 1);
        body.WriteByte(0x03); // object
        Property(body, "app", app);
        Property(body, "type", "nonprivate");
        Property(body, "flashVer", "FMLE/3.0 (compatible; encoder check)");
        Property(body, "tcUrl", tcUrl);
        body.Write([0, 0, 0x09]); // object end
        var output = new MemoryStream();
        var size = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(size, ChunkSize);
        Chunk(output, 2, SetChunkSizeType, size);
        Chunk(output, 3, CommandAmf0Type, body.ToArray());
        return output.ToArray();
    }

    /// <summary>
    /// Finishes the handshake (C2 echoes S1; S2 is read) and sends <c>connect</c>; null when the ingest answered
    /// <c>_result</c>, else why not (its <c>_error</c>'s code, or the connection closing).
    /// </summary>
    public static async Task<string?> AfterHandshakeAsync(Stream stream, ReadOnlyMemory<byte> s1, string app, string tcUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(s1, cancellationToken).ConfigureAwait(false);
        await stream.ReadExactlyAsync(new byte[HandshakeSize], cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(ConnectMessages(app, tcUrl), cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        var reader = new ChunkReader(stream);
        for (var messages = 0; messages < 32; messages++)
        {
            byte type;
            byte[] payload;
            try
            {
                (type, payload) = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException)
            {
                return $"the ingest closed the connection at the connect (is the application '{app.Split('?')[0]}' right?)";
            }

            if (type != CommandAmf0Type)
                continue;
            var answer = CommandAnswer(payload);
            if (answer == "_result")
                return null;
            if (answer == "_error")
                return $"the ingest refused the connect ({Code(payload) ?? "no code"})";
        }

        return "the ingest did not answer the connect";
    }

    /// <summary>The command's name (the first AMF0 value of a command message), or null.</summary>
    public static string? CommandAnswer(ReadOnlySpan<byte> payload) =>
        payload.Length >= 3 && payload[0] == 0x02 && BinaryPrimitives.ReadUInt16BigEndian(payload[1..]) is var length && payload.Length >= 3 + length
            ? Encoding.ASCII.GetString(payload.Slice(3, length))
            : null;

    /// <summary>The <c>code</c> of an answer's information object (<c>NetConnection.Connect.Rejected</c>), or null.</summary>
    public static string? Code(ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> key = [0x00, 0x04, (byte)'c', (byte)'o', (byte)'d', (byte)'e', 0x02];
        var at = payload.IndexOf(key);
        if (at < 0 || payload.Length < at + key.Length + 2)
            return null;
        var value = payload[(at + key.Length)..];
        var length = BinaryPrimitives.ReadUInt16BigEndian(value);
        return value.Length >= 2 + length ? Encoding.ASCII.GetString(value.Slice(2, length)) : null;
    }

    private static void Property(MemoryStream body, string name, string value)
    {
        var key = Encoding.UTF8.GetBytes(name);
        body.WriteByte((byte)(key.Length >> 8));
        body.WriteByte((byte)key.Length);
        body.Write(key);
        Amf0String(body, value);
    }

    private static void Amf0String(MemoryStream body, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        body.WriteByte(0x02);
        body.WriteByte((byte)(bytes.Length >> 8));
        body.WriteByte((byte)bytes.Length);
        body.Write(bytes);
    }

    private static void Amf0Number(MemoryStream body, double value)
    {
        var bytes = new byte[9];
        bytes[0] = 0x00;
        BinaryPrimitives.WriteDoubleBigEndian(bytes.AsSpan(1), value);
        body.Write(bytes);
    }

    /// <summary>One message as one chunk of type 0 (full header; timestamp 0, message stream 0): its payload must fit the chunk size.</summary>
    private static void Chunk(MemoryStream output, byte chunkStream, byte type, byte[] payload)
    {
        output.WriteByte(chunkStream); // fmt 0
        output.Write([0, 0, 0]); // timestamp
        output.Write([(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length]);
        output.WriteByte(type);
        output.Write([0, 0, 0, 0]); // message stream id (little endian)
        output.Write(payload);
    }

    /// <summary>Reads RTMP chunks and joins them into messages (type and payload), following the server's chunk size.</summary>
    private sealed class ChunkReader(Stream stream)
    {
        private readonly Dictionary<int, (int Length, byte Type, MemoryStream Partial)> _streams = [];
        private int _chunkSize = 128;

        public async Task<(byte Type, byte[] Payload)> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                var first = await ByteAsync(cancellationToken).ConfigureAwait(false);
                var fmt = first >> 6;
                int id = first & 0x3F;
                if (id == 0)
                    id = 64 + await ByteAsync(cancellationToken).ConfigureAwait(false);
                else if (id == 1)
                    id = 64 + await ByteAsync(cancellationToken).ConfigureAwait(false) + (256 * await ByteAsync(cancellationToken).ConfigureAwait(false));
                _streams.TryGetValue(id, out var state);
                state.Partial ??= new MemoryStream();
                var header = new byte[fmt switch { 0 => 11, 1 => 7, 2 => 3, _ => 0 }];
                await stream.ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false);
                if (fmt <= 1)
                {
                    state.Length = (header[3] << 16) | (header[4] << 8) | header[5];
                    state.Type = header[6];
                }

                if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xFF && header[2] == 0xFF)
                    await stream.ReadExactlyAsync(new byte[4], cancellationToken).ConfigureAwait(false); // extended timestamp
                var part = new byte[Math.Min(_chunkSize, state.Length - (int)state.Partial.Length)];
                await stream.ReadExactlyAsync(part, cancellationToken).ConfigureAwait(false);
                state.Partial.Write(part);
                if (state.Partial.Length < state.Length)
                {
                    _streams[id] = state;
                    continue;
                }

                var payload = state.Partial.ToArray();
                _streams[id] = (state.Length, state.Type, new MemoryStream());
                if (state.Type == SetChunkSizeType && payload.Length >= 4)
                    _chunkSize = Math.Clamp(BinaryPrimitives.ReadInt32BigEndian(payload) & 0x7FFFFFFF, 1, 1 << 24);
                return (state.Type, payload);
            }
        }

        private async Task<int> ByteAsync(CancellationToken cancellationToken)
        {
            var one = new byte[1];
            await stream.ReadExactlyAsync(one, cancellationToken).ConfigureAwait(false);
            return one[0];
        }
    }
}
