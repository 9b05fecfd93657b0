using Microsoft.Extensions.Logging;

namespace Encoder.Ffmpeg;

/// <summary>
/// Where FFmpeg and ffprobe run, decided once as the daemon starts: as <see cref="Account"/> through the media runner,
/// or (<see cref="Account"/> null) as the daemon's own children and user. The relay lets that uid connect and shares
/// its socket folder with that group (<c>Egress/RelaySockets</c>).
/// </summary>
public sealed record MediaPlacement(IMediaTools Tools, MediaAccount? Account)
{
    private const ulong SetUidAndSetGid = (1UL << 6) | (1UL << 7); // CAP_SETGID, CAP_SETUID

    /// <summary>
    /// Where the daemon holds CAP_SETUID and CAP_SETGID (the unit grants them, ambient) and the account exists (the AMI
    /// creates it): starts the runner as the account, then gives both capabilities up in every thread for good and
    /// checks that none is left (it fails the start otherwise). Anywhere else (a laptop, the tests) FFmpeg runs as the
    /// daemon's user, as it always did. Either way it says so once.
    /// </summary>
    public static MediaPlacement Choose(ChildProcessThread starter, ILogger logger, string accountName = MediaAccount.DefaultName)
    {
        ArgumentNullException.ThrowIfNull(starter);
        ArgumentNullException.ThrowIfNull(logger);
        var account = OperatingSystem.IsLinux() ? MediaAccount.Find(accountName) : null;
        var canSwitch = OperatingSystem.IsLinux() && (EffectiveCapabilities() & SetUidAndSetGid) == SetUidAndSetGid;
        if (account is null || !canSwitch)
        {
            logger.LogInformation(
                "FFmpeg and ffprobe run as the daemon's own user ({Why}): they reach whatever the daemon reaches. On the AMI they run as {Account}, which the IMDS firewall refuses",
                account is null ? $"no {accountName} user here" : "the daemon may not switch users (no CAP_SETUID and CAP_SETGID)", accountName);
            return new MediaPlacement(new LocalMediaTools(starter), null);
        }

        var runner = MediaRunnerClient.Start(account, starter, logger);
        if (MediaNative.EffectiveUserId != 0) // root stays root whatever it drops: nothing to gain there
        {
            MediaNative.DropCapabilities();
            if (MediaNative.CapabilitiesOfAnyThread() is var left and not 0)
                throw new InvalidOperationException($"The daemon still holds capabilities {left:x} after giving up CAP_SETUID and CAP_SETGID");
        }

        logger.LogInformation("FFmpeg and ffprobe run as {Account} (uid {Uid}) through the media runner (pid {Pid}); the daemon gave up CAP_SETUID and CAP_SETGID",
            account.Name, account.Uid, runner.RunnerPid);
        return new MediaPlacement(runner, account);
    }

    /// <summary>This thread's effective capabilities (<c>CapEff</c> in /proc/self/status).</summary>
    private static ulong EffectiveCapabilities()
    {
        foreach (var line in File.ReadLines("/proc/thread-self/status"))
        {
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        }

        return 0;
    }
}
