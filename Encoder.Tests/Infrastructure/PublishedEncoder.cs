namespace Encoder.Tests.Infrastructure;

/// <summary>
/// The daemon as it ships: `dotnet publish Encoder.Worker -c Release` (Native AOT, linux-x64), published at most once
/// per test run, on first use, into a temporary folder that <see cref="DeleteAsync"/> removes.
/// </summary>
internal static class PublishedEncoder
{
    private static readonly string Directory = Path.Combine(Path.GetTempPath(), $"encoder-publish-{Environment.ProcessId}");
    private static readonly Lazy<Task<string>> Binary = new(PublishAsync);

    public static Task<string> PathAsync() => Binary.Value;

    public static Task DeleteAsync()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    private static async Task<string> PublishAsync()
    {
        var result = await Tool.RunAsync(
            "dotnet",
            ["publish", Path.Combine(RepoPaths.Root, "Encoder.Worker"), "-c", "Release", "-o", Directory, "-nologo", "-v", "quiet", "-warnaserror"],
            timeout: TimeSpan.FromMinutes(8));
        var binary = Path.Combine(Directory, "encoder");
        if (result.ExitCode != 0 || !File.Exists(binary))
            throw new InvalidOperationException($"dotnet publish failed ({result.ExitCode}):\n{result.Output}");
        return binary;
    }
}
