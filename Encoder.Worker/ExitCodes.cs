namespace Encoder;

/// <summary>The daemon's exit codes (README lists them; systemd and operators act on them).</summary>
public static class ExitCodes
{
    public const int Clean = 0;
    public const int Failure = 1;
    public const int ConfigurationError = 2;
}
