namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The daemon as it ships: `dotnet publish Encoder.Worker -c Release` (Native AOT, linux-x64), published at most once
/// per test run into a temporary folder that <see cref="DeleteAsync"/> removes. It is published on first use, or
/// earlier, in the background, when the end-to-end tests start (<see cref="StartInBackground"/>): they mostly wait on
/// real time, and the publish runs at the lowest CPU priority (nice 19, no build servers), so it takes only the CPU
/// they leave and the checks that need the binary, which run after them, find it ready instead of waiting ~90 s.
/// </summary>
internal static class PublishedEncoder
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), $"encoder-publish-{Environment.ProcessId}");
    private static readonly Lazy<Task<string>> Binary = new(PublishAsync);
    private static ChildProcess? _running;

    public static Task<string> PathAsync() => Binary.Value;

    /// <summary>Starts the publish now if nothing has yet; whoever needs the binary later awaits <see cref="PathAsync"/>.</summary>
    public static void StartInBackground() => _ = Binary.Value;

    /// <summary>Stops a publish still running (a filtered run that never needed it) and removes the binary.</summary>
    public static async Task DeleteAsync()
    {
        if (Interlocked.Exchange(ref _running, null) is { } running)
            await running.DisposeAsync();
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static async Task<string> PublishAsync()
    {
        var publish = ChildProcess.Start(
            "nice",
            ["-n", "19", "dotnet", "publish", Path.Combine(RepoPaths.Root, "Encoder.Worker"), "-c", "Release", "-o", Directory, "-nologo", "-v", "quiet", "-warnaserror",
                "--disable-build-servers"]);
        _running = publish;
        try
        {
            var exitCode = await publish.WaitForExitAsync(TimeSpan.FromMinutes(15));
            var binary = Path.Combine(Directory, "encoder");
            if (exitCode != 0 || !File.Exists(binary))
                throw new InvalidOperationException($"dotnet publish failed ({exitCode}):\n{publish.Output}");
            return binary;
        }
        finally
        {
            if (Interlocked.CompareExchange(ref _running, null, publish) == publish)
                await publish.DisposeAsync();
        }
    }
}
