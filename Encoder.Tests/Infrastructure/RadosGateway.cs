using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Encoder.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible store: Ceph's RADOS Gateway (Debian's <c>radosgw</c>, Ceph 16 "pacific") on a free loopback port,
/// over a throwaway single-node cluster in a temp folder: one monitor and one OSD keeping its objects in memory
/// (<c>memstore</c>), no authentication inside the cluster, one S3 user. Debian's radosgw has no cluster-less
/// backend (<c>dbstore</c> came with Ceph 17), so the cluster is part of it; it starts in ~2–3 s here. Stopped by its
/// own handles (gateway, OSD, monitor, in that order; SIGTERM, then SIGKILL), and its folder removed.
/// </summary>
/// <remarks>
/// Two settings make it start in seconds: <c>ms mon client mode = crc</c> (a daemon's default, <c>secure</c>, needs
/// cephx: without it the gateway never authenticates, <c>get_initial_auth_request returned -13</c>) and
/// <c>paxos propose interval</c> near zero (the gateway creates its pools with one monitor command each, and each
/// waited the default second).
/// </remarks>
internal sealed class RadosGateway : IS3TestStore, IAsyncDisposable
{
    public const string Region = "us-east-1";
    public const string AccessKeyId = "RGWTESTACCESSKEY0001";
    public const string SecretAccessKey = "rgw-test-Secret-K3y-0123456789abcdefghij";

    private readonly string _folder;
    private readonly List<ChildProcess> _processes = []; // in start order; stopped in reverse

    private RadosGateway(string folder, int port)
    {
        _folder = folder;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>From the first command to the gateway answering with its user made.</summary>
    public TimeSpan StartTime { get; private set; }

    /// <summary>The gateway's own process (to freeze it with SIGSTOP, as a store that stops answering).</summary>
    public ChildProcess Gateway => _processes[^1];

    public static bool IsInstalled => File.Exists("/usr/bin/radosgw") && File.Exists("/usr/bin/ceph-mon") && File.Exists("/usr/bin/ceph-osd");

    public static async Task<RadosGateway> StartAsync()
    {
        if (!IsInstalled)
            Assert.Fail("radosgw, ceph-mon and ceph-osd are not installed: run dev/install-deps");
        var clock = Stopwatch.StartNew();
        var gateway = new RadosGateway(Directory.CreateTempSubdirectory("encoder-radosgw-").FullName, FreePort.Next());
        try
        {
            await gateway.StartClusterAndGatewayAsync(FreePort.Next());
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }

        gateway.StartTime = clock.Elapsed;
        return gateway;
    }

    private string Conf => Path.Combine(_folder, "ceph.conf");

    private async Task StartClusterAndGatewayAsync(int monitorPort)
    {
        var fsid = Guid.NewGuid().ToString();
        foreach (var sub in new[] { "mon", "osd0", "run", "log", "rgw" })
            Directory.CreateDirectory(Path.Combine(_folder, sub));
        await File.WriteAllTextAsync(Conf, string.Join('\n',
            "[global]",
            $"fsid = {fsid}",
            $"mon host = v2:127.0.0.1:{monitorPort}",
            "public addr = 127.0.0.1",
            "auth cluster required = none",
            "auth service required = none",
            "auth client required = none",
            "ms mon client mode = crc",
            "ms bind ipv6 = false",
            "paxos propose interval = 0.01",
            "osd pool default size = 1",
            "osd pool default min size = 1",
            "osd pool default pg num = 8",
            "osd pool default pgp num = 8",
            "mon allow pool size one = true",
            "mon warn on pool no redundancy = false",
            "mon data avail warn = 1",
            "osd crush chooseleaf type = 0",
            "osd objectstore = memstore",
            "memstore device bytes = 1073741824",
            $"run dir = {_folder}/run",
            $"admin socket = {_folder}/run/$name.asok",
            $"log file = {_folder}/log/$name.log",
            "[mon.a]",
            $"mon data = {_folder}/mon",
            "[osd.0]",
            $"osd data = {_folder}/osd0",
            "[client.rgw]",
            $"rgw frontends = beast endpoint=127.0.0.1:{Port}",
            $"rgw data = {_folder}/rgw",
            ""));

        var monmap = Path.Combine(_folder, "monmap");
        await RunAsync("monmaptool", "--create", "--add", "a", $"v2:127.0.0.1:{monitorPort}", "--fsid", fsid, monmap);
        await RunAsync("ceph-mon", "-c", Conf, "--mkfs", "-i", "a", "--monmap", monmap);
        _processes.Add(ChildProcess.Start("ceph-mon", ["-c", Conf, "-i", "a", "-f"], workingDirectory: _folder));
        await FreePort.WaitUntilListeningAsync(monitorPort, TimeSpan.FromSeconds(30));

        var osdUuid = Guid.NewGuid().ToString();
        await RunAsync("ceph", "-c", Conf, "--connect-timeout", "30", "osd", "new", osdUuid);
        await RunAsync("ceph-osd", "-c", Conf, "-i", "0", "--mkfs", "--osd-uuid", osdUuid);
        _processes.Add(ChildProcess.Start("ceph-osd", ["-c", Conf, "-i", "0", "-f"], workingDirectory: _folder));

        _processes.Add(ChildProcess.Start("radosgw", ["-c", Conf, "-n", "client.rgw", "-f"], workingDirectory: _folder));
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(60)); // listens once its pools exist
        await RunAsync("radosgw-admin", "-c", Conf, "user", "create", "--uid", "encoder", "--display-name", "encoder",
            "--access-key", AccessKeyId, "--secret", SecretAccessKey);
    }

    private async Task RunAsync(string tool, params string[] arguments)
    {
        var result = await Tool.RunAsync(tool, arguments, workingDirectory: _folder, timeout: TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Output}\n{Logs()}");
    }

    /// <summary>The end of each daemon's log, for a failure message.</summary>
    public string Logs() => string.Join('\n', Directory.Exists(Path.Combine(_folder, "log"))
        ? Directory.GetFiles(Path.Combine(_folder, "log")).Select(f => $"--- {Path.GetFileName(f)}\n" + string.Join('\n', File.ReadLines(f).TakeLast(15)))
        : []);

    /// <summary>The environment a child process (the daemon) needs to reach the gateway as its user: keys, a region, no instance metadata.</summary>
    public static Dictionary<string, string> Environment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        ["AWS_REGION"] = Region,
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>The test's own client: path-style, and checksums only where an operation requires them (what radosgw takes).</summary>
    IAmazonS3 IS3TestStore.AdminClient() => Client();

    public IAmazonS3 Client() => new AmazonS3Client(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = Url,
        ForcePathStyle = true,
        AuthenticationRegion = Region,
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        MaxErrorRetry = 0,
        Timeout = TimeSpan.FromSeconds(10),
    });

    /// <summary>Freezes the gateway (SIGSTOP): connections are accepted by the kernel but nothing answers.</summary>
    public void Freeze() => Gateway.Signal(Signals.SigStop);

    public void Thaw() => Gateway.Signal(Signals.SigCont);

    public async ValueTask DisposeAsync()
    {
        if (_processes.Count == 3 && !Gateway.HasExited)
            Thaw();
        for (var i = _processes.Count - 1; i >= 0; i--)
            await _processes[i].DisposeAsync();
        _processes.Clear();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // a daemon's late log write; the temp folder is left
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"radosgw at {Url}, started in {StartTime.TotalSeconds:0.0} s");
}
