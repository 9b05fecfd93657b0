namespace Encoder.Tests.Infrastructure;

/// <summary>The project's RTSP test camera (dev/test-camera.py), on a free loopback port, with Basic auth.</summary>
public sealed class TestCamera : IAsyncDisposable
{
    public const string User = "studio";
    public const string Password = "cam-pa55-Secret";

    private ChildProcess? _process;

    private readonly IReadOnlyList<string> _options;

    private TestCamera(int port, IReadOnlyList<string> options)
    {
        Port = port;
        _options = options;
    }

    public int Port { get; }

    public int Pid => _process!.Pid;

    public string Url => $"rtsp://{User}:{Password}@127.0.0.1:{Port}/camera";

    /// <param name="video">The codec it sends: <c>h264</c>, <c>hevc</c> or <c>mjpeg</c>.</param>
    /// <param name="audioCodec">The audio codec it sends (<c>aac</c>, <c>pcma</c>, <c>none</c>); <paramref name="audio"/> false means none.</param>
    /// <param name="size">The picture, <c>WIDTHxHEIGHT</c>; the script's default (640x360) when null.</param>
    /// <param name="schedule">When the picture goes black or frozen or the sound silent, in seconds from the start (<c>black@20-28,silent@28-36</c>); none when null.</param>
    public static async Task<TestCamera> StartAsync(
        int? port = null, bool audio = true, int bitrateKbps = 800, string video = "h264", string audioCodec = "aac", string? size = null, string? schedule = null)
    {
        List<string> options = ["--video", video, "--audio", audio ? audioCodec : "none", "--bitrate", bitrateKbps.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        if (size?.Split('x') is [var width, var height])
            options.AddRange(["--width", width, "--height", height]);
        if (schedule is not null)
            options.AddRange(["--schedule", schedule]);
        var camera = new TestCamera(port ?? FreePort.Next(), options);
        await camera.RestartAsync();
        return camera;
    }

    /// <summary>Starts the camera again on the same port (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync()
    {
        List<string> arguments = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", User, "--password", Password, .. _options];
        _process = ChildProcess.Start(RepoPaths.Dev("test-camera.py"), arguments);
        await _process.WaitForLineAsync("^READY ", TimeSpan.FromSeconds(20));
    }

    /// <summary>The camera hangs: connection open, nothing sent (SIGSTOP); <see cref="Thaw"/> resumes it.</summary>
    public void Freeze() => Signals.Send(Pid, Signals.SigStop);

    public void Thaw() => Signals.Send(Pid, Signals.SigCont);

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            Thaw();
            await _process.DisposeAsync();
        }

        _process = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
