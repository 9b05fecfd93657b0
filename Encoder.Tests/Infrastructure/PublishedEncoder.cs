namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The daemon as it ships: `dotnet publish Encoder.Worker -c Release` (Native AOT), for linux-x64 and, cross-compiled,
/// for linux-arm64 (Graviton), each published at most once per test run into a temporary folder that
/// <see cref="DeleteAsync"/> removes. They are published on first use, or earlier, in the background, with the run's
/// first deploy check (<see cref="PublishWithTheFirstDeployCheckAttribute"/>) or when the end-to-end tests start
/// (<see cref="StartInBackground"/>): those mostly wait on real time, and the publishes run one
/// after the other (both restore the same project's obj/project.assets.json) at the lowest CPU priority (nice 19, no
/// build servers), so they take only the CPU the end-to-end tests leave, and the checks that need a binary, which run
/// after them, find it ready instead of waiting ~90 s each.
/// </summary>
internal static class PublishedEncoder
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), $"encoder-publish-{Environment.ProcessId}");
    private static readonly string Arm64Directory = Path.Combine(Path.GetTempPath(), $"encoder-publish-arm64-{Environment.ProcessId}");
    private static readonly Lazy<Task<string>> Binary = new(() => PublishAsync(Directory, []));
    private static readonly Lazy<Task<string>> Arm64Binary = new(PublishArm64Async);
    private static readonly Lock Gate = new();
    private static ChildProcess? _running;
    private static bool _deleted;

    /// <summary>The linux-x64 binary.</summary>
    public static Task<string> PathAsync() => Binary.Value;

    /// <summary>
    /// The linux-arm64 binary, published after the x64 one (dev/install-deps installs the clang, lld and
    /// gcc-aarch64-linux-gnu it links with).
    /// </summary>
    public static Task<string> Arm64PathAsync() => Arm64Binary.Value;

    /// <summary>Starts both publishes now if nothing has yet; whoever needs a binary later awaits its path.</summary>
    public static void StartInBackground() => _ = Arm64Binary.Value;

    /// <summary>
    /// Stops a publish still running (a filtered run that never needed it), lets none start after it (the arm64 one
    /// would otherwise follow the stopped x64 one and outlive the test host), and removes the binaries.
    /// </summary>
    public static async Task DeleteAsync()
    {
        ChildProcess? running;
        lock (Gate)
        {
            _deleted = true;
            (running, _running) = (_running, null);
        }

        if (running is not null)
            await running.DisposeAsync();
        foreach (var directory in new[] { Directory, Arm64Directory })
        {
            if (System.IO.Directory.Exists(directory))
                System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> PublishArm64Async()
    {
        // After the x64 publish, not beside it: both restore the same project, and two AOT compiles at once would share
        // the machine's two cores. A failed x64 publish is that publish's failure, not the arm64 one's.
        try
        {
            await Binary.Value;
        }
        catch (InvalidOperationException)
        {
        }

        try
        {
            return await PublishAsync(Arm64Directory, ["-r", "linux-arm64"]);
        }
        catch (InvalidOperationException failed)
        {
            throw new InvalidOperationException($"{failed.Message}\n(dev/install-deps installs the clang, lld and gcc-aarch64-linux-gnu it links with)", failed);
        }
    }

    private static async Task<string> PublishAsync(string directory, string[] runtime)
    {
        ChildProcess publish;
        lock (Gate)
        {
            if (_deleted)
                throw new InvalidOperationException($"dotnet publish {string.Join(' ', runtime)} not started: the test run is over");
            publish = ChildProcess.Start(
                "nice",
                ["-n", "19", "dotnet", "publish", Path.Combine(RepoPaths.Root, "Encoder.Worker"), "-c", "Release", .. runtime, "-o", directory, "-nologo", "-v", "quiet",
                    "-warnaserror", "--disable-build-servers"]);
            _running = publish;
        }

        try
        {
            var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
            var binary = Path.Combine(directory, "encoder");
            if (exitCode != 0 || !File.Exists(binary))
                throw new InvalidOperationException($"dotnet publish {string.Join(' ', runtime)} failed ({exitCode}):\n{publish.Output}");
            return binary;
        }
        finally
        {
            bool ours;
            lock (Gate)
            {
                ours = _running == publish;
                if (ours)
                    _running = null;
            }

            if (ours)
                await publish.DisposeAsync();
        }
    }
}
