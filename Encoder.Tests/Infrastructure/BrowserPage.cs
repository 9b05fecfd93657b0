using System.Globalization;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A folder served by nginx on a free loopback port (range requests as a CDN answers them, each logged as
/// <c>uri "range" status bytes</c>), and Debian's Chromium, headless, opening a page of it: what a viewer's browser does.
/// The page reports by requesting <c>/report?…</c>, which the log shows. Both are stopped by their PIDs on dispose; nginx runs
/// as one process (no master), as the test's user, so it reads the test's private temporary folder.
/// </summary>
internal sealed class BrowserPage : IAsyncDisposable
{
    private readonly string _directory;
    private ChildProcess? _nginx;
    private ChildProcess? _chromium;

    private BrowserPage(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Root => Path.Combine(_directory, "www");

    public const string Chromium = "/usr/bin/chromium";

    public static async Task<BrowserPage> ServeAsync(string directory)
    {
        var page = new BrowserPage(directory, FreePort.Next());
        Directory.CreateDirectory(page.Root);
        Directory.CreateDirectory(Path.Combine(directory, "temp"));
        var config = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process off;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log;
            events {}
            http {
                types { text/html html; video/mp4 mp4; image/jpeg jpg; text/vtt vtt; }
                log_format ranges '$request_uri "$http_range" $status $body_bytes_sent';
                access_log {{directory}}/access.log ranges;
                client_body_temp_path {{directory}}/temp;
                server { listen 127.0.0.1:{{page.Port}}; root {{page.Root}}; }
            }
            """));
        page._nginx = ChildProcess.Start("nginx", ["-p", directory, "-c", config]);
        await FreePort.WaitUntilListeningAsync(page.Port, TimeSpan.FromSeconds(10));
        return page;
    }

    /// <summary>The requests nginx has answered so far.</summary>
    public IReadOnlyList<string> Requests()
    {
        var log = Path.Combine(_directory, "access.log");
        if (!File.Exists(log))
            return [];
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Open(string path) =>
        _chromium = ChildProcess.Start(Chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--mute-audio", "--no-first-run",
            "--autoplay-policy=no-user-gesture-required", $"--user-data-dir={Path.Combine(_directory, "profile")}", $"http://127.0.0.1:{Port}/{path}"]);

    public async ValueTask DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
        if (_nginx is not null)
            await _nginx.DisposeAsync();
    }
}
