using System.Globalization;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// What the AMI does to keep other local users away from the class's secrets: the IMDS firewall
/// (cloud-init/encoder-imds.nft, loaded by encoder-imds-firewall.service) and /proc with hidepid=invisible
/// (cloud-init/encoder-proc.fstab, appended to /etc/fstab). Each is checked as a file (nft -c, findmnt --verify) and
/// for what it does, in throwaway namespaces (Probes/): which uids reach 169.254.169.254 through the ruleset, and
/// which read another process's command line under those mount options. The behaviour checks run as root (unshare
/// of the network and mount namespaces), as the recording-disk checks do.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
[OneCoreEach] // its checks run in their own namespaces and time nothing: they need not hold the run alone (14 s)
public sealed class HostHardeningTests
{
    /// <summary>Any uid the host does not use: the probes give the encoder user this one.</summary>
    private const int EncoderUid = 64123;

    /// <summary>The encoder-media user's uid (and group) in the probes.</summary>
    private const int MediaUid = 64124;

    private static string Ruleset => DeployFiles.CloudInit("encoder-imds.nft");

    private static string Probe(string name) => Path.Combine(RepoPaths.Root, "Encoder.Tests", "Provisioning", "Probes", name);

    [Test]
    public async Task The_imds_ruleset_passes_nft_s_check_where_the_encoder_user_exists()
    {
        using var folder = DeployFiles.NewTempFolder();

        var result = await NftCheckAsync(folder, withEncoderUser: true);

        Assert.That((result.ExitCode, result.Output), Is.EqualTo((0, "")));
    }

    [Test]
    public async Task Nft_s_check_is_real_it_refuses_the_ruleset_where_no_encoder_user_exists()
    {
        using var folder = DeployFiles.NewTempFolder();

        var result = await NftCheckAsync(folder, withEncoderUser: false);

        Assert.That(result.ExitCode, Is.Not.Zero);
        Assert.That(result.Output, Does.Contain("User does not exist"), "names resolve at load: provision.sh creates the user before it checks the ruleset");
    }

    [Test]
    public async Task Only_root_and_the_encoder_user_reach_the_instance_metadata_service()
    {
        using var folder = DeployFiles.NewTempFolder();

        var reach = await MetadataReachAsync(folder, Ruleset);

        Assert.That(reach, Is.EqualTo(new[] { "0 allowed", $"{EncoderUid} allowed", "65534 refused", "1000 refused" }));
    }

    [Test]
    public async Task Without_the_ruleset_every_user_reaches_it()
    {
        using var folder = DeployFiles.NewTempFolder();
        var empty = folder.File("empty.nft");
        await File.WriteAllTextAsync(empty, "");

        var reach = await MetadataReachAsync(folder, empty);

        Assert.That(reach, Is.EqualTo(new[] { "0 allowed", $"{EncoderUid} allowed", "65534 allowed", "1000 allowed" }));
    }

    [Test]
    public async Task Where_the_encoder_media_user_exists_FFmpeg_and_ffprobe_run_as_it_and_are_refused_at_the_metadata_service()
    {
        using var folder = DeployFiles.NewTempFolder();

        var seen = await ClassAsync(folder, withMediaUser: true);

        Assert.That(seen, Does.Contain($"imds: {MediaUid} refused").And.Not.Contain($"imds: {MediaUid} reached"));
        Assert.That(seen, Does.Contain($"tool uids: {MediaUid}"), "every FFmpeg and ffprobe ran as encoder-media");
        Assert.That(seen, Does.Contain("daemon caps: 0"), "the daemon gave up CAP_SETUID and CAP_SETGID in every thread");
        Assert.That(seen, Does.Contain("runner caps: 0"), "the runner has no capability either");
        Assert.That(seen, Does.Contain("daemon exit: 0").And.Contain("daemon removes a segment: yes"));
        Assert.That(seen, Does.Contain("ingest received: yes"), "the egress, as encoder-media, read the relay's socket and pushed to the ingest");
        Assert.That(seen, Does.Contain("content measured: yes"), "the content watch, as encoder-media, read the relay's socket and measured it");
        Assert.That(seen.Single(l => l.StartsWith("segments stored: ", StringComparison.Ordinal)), Is.Not.EqualTo("segments stored: 0"),
            "the daemon read and stored what FFmpeg wrote as another uid");
    }

    [Test]
    public async Task Without_it_FFmpeg_runs_as_the_daemon_s_user_which_reaches_the_metadata_service()
    {
        using var folder = DeployFiles.NewTempFolder();

        var seen = await ClassAsync(folder, withMediaUser: false);

        Assert.That(seen, Does.Contain($"imds: {EncoderUid} reached"), "the control: the daemon's own uid is let through");
        Assert.That(seen, Does.Contain($"tool uids: {EncoderUid}").And.Contain("runner caps: none"));
        Assert.That(seen, Does.Contain("daemon exit: 0").And.Contain("ingest received: yes"));
    }

    [Test]
    public void The_firewall_unit_loads_the_installed_ruleset_before_the_network_and_the_daemon()
    {
        var unit = File.ReadAllText(DeployFiles.CloudInit("encoder-imds-firewall.service"));

        Assert.That(unit, Does.Contain($"\nExecStart=/usr/sbin/nft -f {DeployFiles.ScriptFolder}/encoder-imds.nft\n"));
        Assert.That(unit, Does.Contain("\nBefore=network-pre.target shutdown.target encoder.service\n"));
        Assert.That(unit, Does.Contain("\nWantedBy=sysinit.target\n"));
    }

    [Test]
    public async Task The_fstab_line_mounts_proc_with_hidepid_invisible_and_findmnt_verifies_it()
    {
        var fields = FstabLine().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);

        var verify = await Tool.RunAsync("findmnt", ["--verify", "--tab-file", DeployFiles.CloudInit("encoder-proc.fstab")]);

        Assert.That(fields[..3], Is.EqualTo(new[] { "proc", "/proc", "proc" }));
        Assert.That(fields[3].Split(','), Does.Contain("hidepid=invisible"));
        Assert.That(verify.ExitCode, Is.Zero, verify.Output);
    }

    [Test]
    public async Task Under_the_fstab_options_no_other_user_reads_a_process_s_command_line()
    {
        var seen = await CommandLineVisibilityAsync(FstabOptions());

        Assert.That(seen, Is.EqualTo(new[] { "root: visible", "other: invisible" }));
    }

    [Test]
    public async Task Under_the_default_options_everybody_reads_it()
    {
        var seen = await CommandLineVisibilityAsync("defaults");

        Assert.That(seen, Is.EqualTo(new[] { "root: visible", "other: visible" }));
    }

    [Test]
    public void The_provisioner_installs_every_file_in_cloud_init()
    {
        var provision = File.ReadAllText(DeployFiles.Packer("provision.sh"));

        var files = Directory.GetFiles(Path.Combine(RepoPaths.Root, "cloud-init")).Select(Path.GetFileName).ToList();

        Assert.That(files, Is.Not.Empty);
        Assert.That(files.Where(f => !provision.Contains(f!, StringComparison.Ordinal)), Is.Empty);
    }

    private static string FstabLine() =>
        File.ReadAllLines(DeployFiles.CloudInit("encoder-proc.fstab")).Single(l => l.Length > 0 && !l.StartsWith('#'));

    private static string FstabOptions() => FstabLine().Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[3];

    private static async Task<ToolResult> NftCheckAsync(TempFolder folder, bool withEncoderUser)
    {
        var passwd = folder.File("passwd");
        await File.WriteAllTextAsync(passwd, await File.ReadAllTextAsync("/etc/passwd") +
            (withEncoderUser ? $"encoder:x:{EncoderUid}:{EncoderUid}::/nonexistent:/usr/sbin/nologin\n" : ""));
        // A user namespace with its own network and mount namespaces: nft -c needs CAP_NET_ADMIN there, not on the host.
        return await Tool.RunAsync("unshare", ["--user", "--map-root-user", "--net", "--mount", "bash", "-c",
            "mount --bind \"$1\" /etc/passwd && exec nft -c -f \"$2\"", "nft-check", passwd, Ruleset]);
    }

    private static async Task<string[]> MetadataReachAsync(TempFolder folder, string ruleset)
    {
        var result = await Tool.RunAsync("unshare", ["--net", "--mount", Probe("imds-firewall"), ruleset, EncoderUid.ToString(CultureInfo.InvariantCulture), folder.Path]);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        return Lines(result.Output);
    }

    /// <summary>A whole class in a throwaway network and mount namespace (Probes/media-imds): what ran as whom, and who reached IMDS.</summary>
    private static async Task<string[]> ClassAsync(TempFolder folder, bool withMediaUser)
    {
        var result = await Tool.RunAsync("unshare", ["--net", "--mount", Probe("media-imds"), Ruleset,
            EncoderUid.ToString(CultureInfo.InvariantCulture), MediaUid.ToString(CultureInfo.InvariantCulture), folder.Path,
            withMediaUser ? "yes" : "no", RepoPaths.Dev("test-camera.py"), RepoPaths.Dev("rtmp-ingest"), RepoPaths.EncoderDll], timeout: TimeSpan.FromMinutes(3));
        var daemonLog = Path.Combine(folder.Path, "daemon.out");
        Assert.That(result.ExitCode, Is.Zero, result.Output + (File.Exists(daemonLog) ? File.ReadAllText(daemonLog) : ""));
        TestContext.Out.WriteLine(result.Output);
        return Lines(result.Output);
    }

    private static async Task<string[]> CommandLineVisibilityAsync(string options)
    {
        var result = await Tool.RunAsync("unshare", ["--mount", "--pid", "--fork", Probe("proc-hidepid"), options]);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        return Lines(result.Output);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
