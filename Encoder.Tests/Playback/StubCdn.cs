using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Encoder.Tests.Playback;

/// <summary>A CDN in memory: an answer per absolute URL (a segment by default), and every request as asked.</summary>
internal sealed class StubCdn : HttpMessageHandler, System.Collections.IEnumerable
{
    private readonly Dictionary<string, Func<HttpRequestMessage, HttpResponseMessage>> _answers = [];

    public List<(string Url, string? Range, string? IfNoneMatch, bool IfModifiedSince)> Requests { get; } = [];

    /// <summary>Every request waits until it is cancelled.</summary>
    public bool Hang { get; set; }

    public Func<HttpRequestMessage, HttpResponseMessage> this[string url]
    {
        set => _answers[url] = value;
    }

    public static HttpResponseMessage Playlist(string text) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(text, Encoding.UTF8, "application/vnd.apple.mpegurl") { Headers = { LastModified = DateTimeOffset.UnixEpoch } },
        Headers = { ETag = new EntityTagHeaderValue("\"v1\"") },
    };

    public static HttpResponseMessage Segment() => new(HttpStatusCode.PartialContent) { Content = new ByteArrayContent(new byte[1024]) };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var url = request.RequestUri!.AbsoluteUri;
        Requests.Add((url, request.Headers.Range?.ToString(), request.Headers.IfNoneMatch.FirstOrDefault()?.ToString(), request.Headers.IfModifiedSince is not null));
        if (Hang)
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
        return _answers.TryGetValue(url, out var answer) ? answer(request) : Segment();
    }

    public System.Collections.IEnumerator GetEnumerator() => _answers.GetEnumerator();
}
