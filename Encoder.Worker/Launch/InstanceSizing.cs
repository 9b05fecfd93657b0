using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>
/// The instance type <c>encoder launch</c> picks when <c>--instance-type</c> is not given (pure): the smallest c5d
/// (x86-64, with an NVMe instance store for the recording) on which the class's work uses at most half the vCPUs, and
/// whose instance store holds the whole class even if S3 stays away throughout. The CPU a class needs per mode was
/// measured on the 2-vCPU build machine (README, "Instance sizing"); the launcher can't know the camera's resolution
/// or codec, so a class that may transcode is sized for a 1080p30 camera.
/// </summary>
public static class InstanceSizing
{
    /// <summary>One instance type the launcher may pick, smallest first.</summary>
    public sealed record Candidate(string InstanceType, int VCpus, int InstanceStoreGb);

    /// <summary>The c5d family (EC2's published figures): compute-optimised, one NVMe instance-store disk each.</summary>
    public static readonly IReadOnlyList<Candidate> Candidates =
    [
        new("c5d.large", 2, 50),
        new("c5d.xlarge", 4, 100),
        new("c5d.2xlarge", 8, 200),
        new("c5d.4xlarge", 16, 400),
    ];

    /// <summary>The share of the vCPUs a class may use: the rest is headroom for bursts, the OS, the uploads.</summary>
    public const double MaxShareOfVCpus = 0.5;

    /// <summary>Copy mode: the recorder, one or two egresses and the daemon (bench/overhead, 1080p30 6 Mbit/s, two slots, rounded up).</summary>
    public const double CopyCores = 0.3;

    /// <summary>
    /// Transcode at 1080p30 (decode + x264 veryfast at 6 Mbit/s): 1.1 cores measured with the daemon's own FFmpeg
    /// arguments on a noisy test pattern; sized at 2.0 for a harder picture, the egress and the daemon. (720p30: 0.8.)
    /// </summary>
    public const double Transcode1080pCores = 2.0;

    /// <summary>
    /// The cores a class needs: copy only when the operator said copy; transcode, or a mode that transcodes when the
    /// camera's codec needs it, is sized for transcoding.
    /// </summary>
    public static double CoresNeeded(VideoMode mode) => mode == VideoMode.Copy ? CopyCores : Transcode1080pCores;

    /// <summary>The smallest candidate that fits; the largest when none does (a class longer than any store holds is refused earlier, by the uptime cap).</summary>
    public static Candidate For(VideoMode mode, TimeSpan classLength, double recordingMbps)
    {
        var cores = CoresNeeded(mode);
        var recordingGb = RootVolume.RecordingBytes(classLength, recordingMbps) / 1e9; // instance stores are sold in GB
        return Candidates.FirstOrDefault(c => cores <= c.VCpus * MaxShareOfVCpus && recordingGb <= c.InstanceStoreGb) ?? Candidates[^1];
    }
}
