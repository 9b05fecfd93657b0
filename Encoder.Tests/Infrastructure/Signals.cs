using System.Runtime.InteropServices;

namespace Encoder.Tests.Infrastructure;

internal static partial class Signals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>True while a process with this PID exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var status = File.ReadAllText($"/proc/{pid}/status");
            return !status.Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}

internal static class ProcessTable
{
    /// <summary>PIDs of live processes whose command line contains <paramref name="needle"/> (e.g. a test's unique stream key).</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string needle) =>
        Live(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains(needle, StringComparison.Ordinal));

    /// <summary>PIDs of live processes named <paramref name="command"/> whose parent is <paramref name="parentPid"/>.</summary>
    public static IReadOnlyList<int> Children(int parentPid, string command) =>
        Live(pid =>
        {
            var status = File.ReadAllText($"/proc/{pid}/status");
            return status.Contains($"Name:\t{command}\n", StringComparison.Ordinal) && status.Contains($"PPid:\t{parentPid}\n", StringComparison.Ordinal);
        });

    private static List<int> Live(Func<int, bool> matches) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && pid != Environment.ProcessId)
            .Where(pid =>
            {
                try
                {
                    return matches(pid) && Signals.IsAlive(pid);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return false; // the process ended while we looked
                }
            })
            .ToList();
}
