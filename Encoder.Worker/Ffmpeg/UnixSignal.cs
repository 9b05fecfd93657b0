using System.Runtime.InteropServices;

namespace Encoder.Ffmpeg;

internal static partial class UnixSignal
{
    public const int Interrupt = 2;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if it is gone.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
