namespace Encoder.Tests.Infrastructure;

/// <summary>The project's RTSP test camera (dev/test-camera.py), on a free loopback port, with Basic auth.</summary>
public sealed class TestCamera : IAsyncDisposable
{
    public const string User = "studio";
    public const string Password = "cam-pa55-Secret";

    private ChildProcess? _process;

    private readonly bool _audio;
    private readonly int _bitrateKbps;

    private TestCamera(int port, bool audio, int bitrateKbps)
    {
        Port = port;
        _audio = audio;
        _bitrateKbps = bitrateKbps;
    }

    public int Port { get; }

    public int Pid => _process!.Pid;

    public string Url => $"rtsp://{User}:{Password}@127.0.0.1:{Port}/camera";

    public static async Task<TestCamera> StartAsync(int? port = null, bool audio = true, int bitrateKbps = 800)
    {
        var camera = new TestCamera(port ?? FreePort.Next(), audio, bitrateKbps);
        await camera.RestartAsync();
        return camera;
    }

    /// <summary>Starts the camera again on the same port (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync()
    {
        List<string> arguments = ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--user", User, "--password", Password];
        if (!_audio)
            arguments.Add("--no-audio");
        arguments.AddRange(["--bitrate", _bitrateKbps.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
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
