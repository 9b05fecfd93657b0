using Encoder.Recording;

namespace Encoder.Lifecycle;

public enum KeepVerdict
{
    /// <summary>Nothing to keep and nothing kept before: leave the instance's volumes as they were launched.</summary>
    Nothing,

    /// <summary>
    /// The class is over and this machine holds the only copy of part of it: copy it to the root volume (when it is
    /// on the instance store), keep the root volume when the instance is terminated, and raise the alarm off the
    /// instance (an instance tag, a marker object in storage).
    /// </summary>
    Keep,

    /// <summary>An earlier run kept the data and everything is stored now: let the root volume go with the instance again.</summary>
    Release,
}

/// <summary>
/// Whether the recording must outlive the instance, from <see cref="TerminationDecision"/>'s verdict and whether an
/// earlier run already kept it. The policy: a recording that is not stored is never destroyed silently. Once the
/// class is over and the drain left uploads behind, the data is kept at once (not at the hard stop, whose poweroff
/// runs nothing of ours), the alarm is raised off the instance, and the instance itself stays for the operator until
/// the hard stop (exit 3). A late restart that then stores everything releases what was kept and terminates.
/// </summary>
public static class KeepDecision
{
    public static KeepVerdict Decide(TerminationVerdict verdict, bool keptBefore) => verdict switch
    {
        TerminationVerdict.KeepUploadsPending or TerminationVerdict.KeepDrainUnfinished => KeepVerdict.Keep,
        TerminationVerdict.Terminate when keptBefore => KeepVerdict.Release,

        // The operator chose to lose them (WithPendingUploads); a dry run changes nothing; a class that is not over
        // resumes at the next start, on this machine, with its data where it is; self-termination off is a laptop.
        _ => KeepVerdict.Nothing,
    };
}

/// <summary>A file of the session's recording folder, by its path relative to that folder.</summary>
public sealed record KeptFile(string RelativePath, long Bytes);

/// <summary>Which files go to the root volume and which do not fit there.</summary>
public sealed record KeptCopyPlan(IReadOnlyList<KeptFile> Copy, IReadOnlyList<KeptFile> DoNotFit)
{
    public long CopyBytes => Copy.Sum(f => f.Bytes);
}

/// <summary>
/// What to copy from the recording folder (on the instance store, which dies with the instance) to the root volume
/// (which is kept): every file still there (with S3 a segment is deleted once stored, so what is left is what is not
/// stored, plus the playlist, the logs and the journal), within the root volume's free space less a reserve for the
/// system. The small files that make the rest usable go first (the playlist, the journal, <c>session.json</c>), then
/// the segments oldest first (a recording that plays from its start), then the logs.
/// </summary>
public static class KeptCopy
{
    /// <summary>Left free on the root volume for the system and journald.</summary>
    public const long ReserveBytes = 512L * 1024 * 1024;

    public static KeptCopyPlan Plan(IEnumerable<KeptFile> files, long freeBytes, long reserveBytes = ReserveBytes)
    {
        ArgumentNullException.ThrowIfNull(files);
        var budget = freeBytes - reserveBytes;
        var copy = new List<KeptFile>();
        var doNotFit = new List<KeptFile>();
        foreach (var file in files.OrderBy(Rank).ThenBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            if (file.Bytes <= budget)
            {
                copy.Add(file);
                budget -= file.Bytes;
            }
            else
            {
                doNotFit.Add(file);
            }
        }

        return new KeptCopyPlan(copy, doNotFit);
    }

    private static int Rank(KeptFile file) => file.RelativePath switch
    {
        var p when p.StartsWith("logs/", StringComparison.Ordinal) => 2,
        var p when RecordingLayout.IsSegmentFile(p) => 1,
        _ => 0,
    };
}
