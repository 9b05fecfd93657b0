namespace Encoder.Tests.Infrastructure;

/// <summary>A command-line tool run to completion: its exit code and everything it printed (stdout and stderr).</summary>
internal sealed record ToolResult(int ExitCode, string Output);

internal static class Tool
{
    public static async Task<ToolResult> RunAsync(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        await using var process = ChildProcess.Start(fileName, arguments, environment, workingDirectory);
        var exitCode = await process.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return new ToolResult(exitCode, process.Output);
    }
}
