namespace Encoder.Lifecycle;

/// <summary>
/// The daemon's exit code, decided once by the class's end step (<see cref="ClassEnd"/>) after every service has
/// stopped; Program.cs returns it. Services report facts (the drain's report, a failure), never exit codes.
/// </summary>
public sealed class DaemonExit
{
    private const int Undecided = -1;
    private int _code = Undecided;

    /// <summary>Null until the class's end step has decided (a host that never got that far failed: exit 1).</summary>
    public int? Code => Volatile.Read(ref _code) is var code and not Undecided ? code : null;

    internal void Decide(int code) => Volatile.Write(ref _code, code);
}
