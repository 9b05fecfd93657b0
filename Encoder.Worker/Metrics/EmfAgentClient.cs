using Encoder.Configuration;
using System.Net.Sockets;

namespace Encoder.Metrics;

/// <summary>The seam to the CloudWatch agent: sends one EMF line; throws when it could not.</summary>
public interface IEmfSink : IAsyncDisposable
{
    ValueTask SendAsync(byte[] line, CancellationToken cancellationToken);
}

/// <summary>
/// The agent's EMF listener over TCP (one connection, kept, reopened after a failure; newline-delimited JSON) or UDP
/// (one datagram per document). The caller bounds each send with its token.
/// </summary>
public sealed class EmfAgentClient(EmfEndpoint endpoint) : IEmfSink
{
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private Socket? _socket;
    private NetworkStream? _stream;

    public async ValueTask SendAsync(byte[] line, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(line);
        try
        {
            if (_socket is null)
            {
                var socket = endpoint.Udp
                    ? new Socket(SocketType.Dgram, ProtocolType.Udp)
                    : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                _socket = socket;
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            }

            if (endpoint.Udp)
            {
                await _socket.SendAsync(line, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                return;
            }

            _stream ??= new NetworkStream(_socket, ownsSocket: false);
            await _stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(Newline, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Close();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        _stream?.Dispose();
        _stream = null;
        _socket?.Dispose();
        _socket = null;
    }
}
