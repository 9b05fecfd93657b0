using Amazon.EC2;
using Amazon.EC2.Model;
using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>
/// The root volume for a class on an instance type without instance store, where the recording lives on the root
/// volume (pure). Sized for the whole class even if S3 stays away throughout (segments then wait on disk):
/// <c>GiB = 8 + ceil(1.25 × Mbit/s × seconds / 8 / 2^30)</c>, seconds from the launch to the hard stop.
/// </summary>
public static class RootVolume
{
    /// <summary>The Debian AMI's own root volume: the system, FFmpeg, the binary, the journal.</summary>
    public const int SystemGiB = 8;

    /// <summary>Headroom over the bitrate: a camera's VBR peaks, audio, MPEG-TS overhead, the logs.</summary>
    public const double Headroom = 1.25;

    /// <summary>A studio camera's H.264 passed through (copy mode), whose bitrate the launcher can't know: 8 Mbit/s covers 1080p.</summary>
    public const double CopyModeMbps = 8;

    /// <summary>Audio on top of the video bitrate when transcoding.</summary>
    public const double AudioMbps = 0.25;

    /// <summary>
    /// Debian 12's AMIs boot from <c>/dev/xvda</c>, and packer keeps the base image's name. A mapping under another name
    /// would attach a second volume instead of growing the root (whose filesystem cloud-init grows at boot).
    /// </summary>
    public const string DeviceName = "/dev/xvda";

    /// <summary>The recording's bitrate: the transcode bitrate plus audio, or <see cref="CopyModeMbps"/> for a camera passed through.</summary>
    public static double Mbps(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Video.Mode == VideoMode.Transcode ? options.Video.BitrateKbps / 1000.0 + AudioMbps : CopyModeMbps;
    }

    public static int SizeGiB(TimeSpan classLength, double mbps) =>
        SystemGiB + (int)Math.Ceiling(RecordingBytes(classLength, mbps) / (1L << 30));

    /// <summary>What a class of <paramref name="classLength"/> at <paramref name="mbps"/> leaves on disk, with <see cref="Headroom"/>.</summary>
    public static double RecordingBytes(TimeSpan classLength, double mbps) =>
        Headroom * mbps * 1_000_000 / 8 * Math.Max(0, classLength.TotalSeconds);

    /// <summary>The root volume's mapping for RunInstances: gp3, deleted with the instance (EC2's default, said explicitly).</summary>
    public static BlockDeviceMapping Mapping(int sizeGiB) => new()
    {
        DeviceName = DeviceName,
        Ebs = new EbsBlockDevice { VolumeSize = sizeGiB, VolumeType = VolumeType.Gp3, DeleteOnTermination = true },
    };
}
