namespace Encoder.Tests.Infrastructure;

/// <summary>The project's RTSP test camera (dev/test-camera.py), on a free loopback port, with Basic auth.</summary>
internal sealed class TestCamera : IAsyncDisposable
{
    public const string User = "studio";
    public const string Password = "cam-pa55-Secret";

    private ChildProcess? _process;

    private readonly bool _audio;

    private TestCamera(int port, bool audio)
    {
        Port = port;
        _audio = audio;
    }

    public int Port { get; }

    public int Pid => _process!.Pid;

    public string Url => $"rtsp://{User}:{Password}@127.0.0.1:{Port}/camera";

    public static async Task<TestCamera> StartAsync(int? port = null, bool audio = true)
    {
        var camera = new TestCamera(port ?? FreePort.Next(), audio);
        await camera.RestartAsync();
        return camera;
    }

    /// <summary>Starts the camera again on the same port (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync()
    {
        List<string> arguments = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", User, "--password", Password];
        if (!_audio)
            arguments.Add("--no-audio");
        _process = ChildProcess.Start(RepoPaths.Dev("test-camera.py"), arguments);
        await _process.WaitForLineAsync("^READY ", TimeSpan.FromSeconds(20));
    }

    public async Task StopAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        _process = null;
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
