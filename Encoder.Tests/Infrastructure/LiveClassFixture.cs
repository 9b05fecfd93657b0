namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The servers a whole class runs against, shared by every test of a fixture: the project's RTSP test camera, one
/// nginx-rtmp ingest and, when asked, moto_server (S3, EC2, IAM) enforcing IAM as AWS does: the test's own calls run
/// as its admin user, the daemon as a user holding the project's policy (<see cref="MotoServer.CreateUserAsync"/>,
/// <see cref="IamPolicies"/>). All bound to loopback and stopped by their own handles.
/// </summary>
public abstract class LiveClassFixture
{
    private MotoServer? _moto;

    protected string Work { get; private set; } = "";

    protected TestCamera Camera { get; private set; } = null!;

    protected RtmpIngest Ingest { get; private set; } = null!;

    internal MotoServer Moto => _moto ?? throw new InvalidOperationException("This fixture did not ask for moto_server (override WithMoto).");

    /// <summary>True for fixtures that also need moto_server (one for the whole fixture).</summary>
    protected virtual bool WithMoto => false;

    /// <summary>True for fixtures whose ingest also serves its HLS, as the CDN viewers play from (<see cref="RtmpIngest.PlaybackUrlFor"/>).</summary>
    protected virtual bool WithPlayback => false;

    /// <summary>The test camera's video bitrate (kbit/s).</summary>
    protected virtual int CameraBitrateKbps => 800;

    [OneTimeSetUp]
    public async Task StartServers()
    {
        Work = Directory.CreateTempSubdirectory($"encoder-{GetType().Name}-").FullName;
        if (WithMoto)
            _moto = await MotoServer.StartEnforcingIamAsync();
        Camera = await TestCamera.StartAsync(bitrateKbps: CameraBitrateKbps);
        Ingest = await RtmpIngest.StartAsync(Path.Combine(Work, "ingest"), hls: WithPlayback);
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await Ingest.DisposeAsync();
        await Camera.DisposeAsync();
        if (_moto is not null)
            await _moto.DisposeAsync();
        if (Environment.GetEnvironmentVariable("KEEP") is null) // KEEP=1 leaves the class's folder to look at
            Directory.Delete(Work, recursive: true);
    }

    protected static string NewStreamKey() => $"key-{Guid.NewGuid():N}"[..16] + "-Str3amKey";
}
