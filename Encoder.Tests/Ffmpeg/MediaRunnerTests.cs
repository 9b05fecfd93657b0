using Encoder.Ffmpeg;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Encoder.Tests.Ffmpeg;

/// <summary>
/// The media runner and the daemon's side of it, in-process on a real socket pair and real processes, as the test's own
/// uid (the switch to encoder-media and the IMDS firewall are Provisioning/HostHardeningTests'): what a tool started
/// through it gets (its folder, its pipes), and how it ends.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MediaRunnerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static MediaRunnerClient InProcessRunner()
    {
        var (daemon, runner) = MediaNative.SocketPair();
        new Thread(() => new MediaRunner.Server(runner).Serve()) { IsBackground = true, Name = "test-media-runner" }.Start();
        var self = MediaNative.User(Environment.UserName)!.Value;
        return MediaRunnerClient.Connect(daemon, new MediaAccount(Environment.UserName, self.Uid, self.Gid), Environment.ProcessId, NullLogger.Instance);
    }

    private sealed class Lines
    {
        private readonly List<string> _lines = [];

        public void Add(string line)
        {
            lock (_lines)
                _lines.Add(line);
        }

        public string[] All
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }
    }

    [Test]
    public async Task A_tool_runs_in_the_given_folder_with_its_output_handed_over_line_by_line_and_quits_on_q()
    {
        using var runner = InProcessRunner();
        var folder = Directory.CreateTempSubdirectory("media-runner-").FullName;
        try
        {
            var (stdout, stderr) = (new Lines(), new Lines());
            var run = await runner.StartAsync("sh", ["-c", "pwd; echo to-stderr >&2; q=$(head -c 1); echo \"got $q\"; exit 3"], folder, stdout.Add, stderr.Add);
            await Poll.UntilAsync(() => stdout.All.Length == 1, Timeout, "the tool says where it runs");

            run.Quit();
            var exit = await run.Exited.WaitAsync(Timeout);

            Assert.That(run.ProcessId, Is.GreaterThan(0));
            Assert.That(stdout.All, Is.EqualTo(new[] { folder, "got q" }));
            Assert.That(stderr.All, Is.EqualTo(new[] { "to-stderr" }));
            Assert.That(exit, Is.EqualTo(3));
            Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.StickyBit | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute), "the folder is shared with the tool's group, sticky");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_killed_tool_has_no_exit_code_and_a_tool_without_a_folder_runs_in_the_root()
    {
        using var runner = InProcessRunner();
        var stdout = new Lines();
        var run = await runner.StartAsync("sh", ["-c", "pwd; exec sleep 60"], null, stdout.Add, _ => { });
        await Poll.UntilAsync(() => stdout.All.Length == 1, Timeout, "the tool says where it runs");

        run.Kill();

        Assert.That(await run.Exited.WaitAsync(Timeout), Is.Null);
        Assert.That(stdout.All, Is.EqualTo(new[] { "/" }));
    }

    [Test]
    public async Task An_interrupt_reaches_the_tool_as_SIGINT()
    {
        using var runner = InProcessRunner();
        var stdout = new Lines();
        var run = await runner.StartAsync("sh", ["-c", "trap 'echo interrupted; exit 0' INT; echo ready; while :; do sleep 0.1; done"], null, stdout.Add, _ => { });
        await Poll.UntilAsync(() => stdout.All.Length == 1, Timeout, "the tool is ready");

        run.Interrupt();

        Assert.That(await run.Exited.WaitAsync(Timeout), Is.Null, "an interrupted run has no exit code, as a local one");
        Assert.That(stdout.All, Is.EqualTo(new[] { "ready", "interrupted" }));
    }

    [Test]
    public async Task A_tool_that_cannot_be_found_ends_at_once_with_a_failure()
    {
        using var runner = InProcessRunner();

        var run = await runner.StartAsync("/nonexistent/ffmpeg", [], null, _ => { }, _ => { });

        Assert.That(await run.Exited.WaitAsync(Timeout), Is.Not.Null.And.Not.Zero);
    }
}
