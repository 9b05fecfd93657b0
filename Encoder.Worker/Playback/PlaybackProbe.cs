using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using static Encoder.Playback.PlaybackLook;

namespace Encoder.Playback;

/// <summary>
/// One look at the playback URL, over HTTP (its one seam is the <see cref="HttpClient"/>'s handler): the playlist by a
/// conditional GET (<c>If-None-Match</c>, <c>If-Modified-Since</c>: a 304 is the playlist read before), one hop from a
/// master playlist to its first variant, and the newest segment's first kilobyte by a ranged GET, once per new newest
/// segment. A ranged GET rather than a HEAD: it proves the segment's bytes flow from the CDN, which a HEAD (answered
/// from metadata, or refused by some origins) does not, for 1 KB. Each request has its own timeout. It judges nothing
/// (<see cref="PlaybackJudge"/> does); its problems name no URL.
/// </summary>
public sealed class PlaybackProbe(HttpClient http, Uri liveUrl, TimeSpan requestTimeout)
{
    /// <summary>What is read of the newest segment: enough to see it is served, little enough to cost nothing.</summary>
    public const int SegmentProbeBytes = 1024;

    private readonly Dictionary<Uri, Fetched> _playlists = [];
    private Uri? _segmentDownloaded;

    /// <summary>The HTTP client the daemon's watch uses: its own connections, bounded bodies, no cookies.</summary>
    public static HttpClient CreateClient(TimeSpan requestTimeout) => new(new SocketsHttpHandler
    {
        ConnectTimeout = requestTimeout,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // follow a CDN's DNS changes
        UseCookies = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each request has its own (requestTimeout)
        MaxResponseContentBufferSize = 4 * 1024 * 1024,
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("encoder-playback-watch", "1") } },
    };

    public async Task<PlaybackLook> LookAsync(CancellationToken cancellationToken)
    {
        var (first, problem) = await PlaylistAsync(liveUrl, cancellationToken).ConfigureAwait(false);
        if (first is null)
            return new Unreachable($"playlist: {problem}");
        var (mediaUrl, media) = (liveUrl, first);
        if (first.IsMaster)
        {
            if (Resolve(liveUrl, first.FirstVariant!) is not { } variantUrl)
                return new Unreachable("master playlist: its first variant is not a valid URI");
            (media, problem) = await PlaylistAsync(variantUrl, cancellationToken).ConfigureAwait(false);
            if (media is null)
                return new Unreachable($"media playlist: {problem}");
            if (media.IsMaster)
                return new Unreachable("media playlist: a master playlist again (one hop is followed)");
            mediaUrl = variantUrl;
        }

        var position = media.Position;
        string? segmentProblem = null;
        if (position is not null)
        {
            var segmentUrl = Resolve(mediaUrl, position.NewestUri);
            if (segmentUrl is null)
                segmentProblem = "not a valid URI";
            else if (segmentUrl != _segmentDownloaded)
            {
                segmentProblem = await SegmentAsync(segmentUrl, cancellationToken).ConfigureAwait(false);
                if (segmentProblem is null)
                    _segmentDownloaded = segmentUrl;
            }
        }

        return new Playlist(position, media.MediaSequence, media.TargetDuration, media.Media.HasEndList, segmentProblem);
    }

    private async Task<(LivePlaylist? Playlist, string? Problem)> PlaylistAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var before = _playlists.GetValueOrDefault(url);
        if (before?.ETag is { } etag)
            request.Headers.IfNoneMatch.Add(etag);
        if (before?.LastModified is { } lastModified)
            request.Headers.IfModifiedSince = lastModified;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(requestTimeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified && before is not null)
                return (before.Playlist, null);
            if (!response.IsSuccessStatusCode)
                return (null, Status(response));
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (LivePlaylist.Parse(text) is not { } playlist)
                return (null, "not an HLS playlist (no #EXTM3U)");
            _playlists[url] = new Fetched(response.Headers.ETag, response.Content.Headers.LastModified, playlist);
            return (playlist, null);
        }
        catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
        {
            return (null, failure);
        }
    }

    /// <summary>Null when the segment's first bytes came; else why not.</summary>
    private async Task<string?> SegmentAsync(Uri url, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Range = new RangeHeaderValue(0, SegmentProbeBytes - 1);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(requestTimeout);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                return Status(response);
            // A server that ignores the range sends the whole segment: read the first kilobyte, then drop the connection.
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new byte[SegmentProbeBytes];
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, timeout.Token).ConfigureAwait(false);
                return read > 0 ? null : "empty";
            }
        }
        catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
        {
            return failure;
        }
    }

    private static string Status(HttpResponseMessage response) =>
        $"HTTP {((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}".TrimEnd();

    /// <summary>What went wrong, in words without the URL; null for the daemon's own stop (which is not a failure).</summary>
    private string? Failure(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => null,
        OperationCanceledException => $"no answer within {requestTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s",
        HttpRequestException { HttpRequestError: var error } => error == HttpRequestError.Unknown ? ex.Message : $"{error}: {ex.Message}",
        IOException => ex.Message,
        _ => null,
    };

    private static Uri? Resolve(Uri baseUrl, string reference) => Uri.TryCreate(baseUrl, reference, out var url) ? url : null;

    private sealed record Fetched(EntityTagHeaderValue? ETag, DateTimeOffset? LastModified, LivePlaylist Playlist);
}
