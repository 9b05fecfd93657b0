using System.Globalization;
using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>
/// The instance types <c>encoder launch</c> may pick when <c>--instance-type</c> is not given, cheapest first (pure).
/// A type carries a class when, with <see cref="Headroom"/> over each measured need:
/// <list type="bullet">
/// <item>its <b>baseline</b> CPU holds what the class always does (a burstable type runs there for free; above it, it
/// spends credits);</item>
/// <item>its <b>full vCPUs</b> hold what the class may have to do: an <c>auto</c> class whose camera does not send
/// H.264 transcodes, paid as surplus CPU credits only then (the launcher asks for unlimited credits,
/// <see cref="RunInstancesRequests"/>, so it is never throttled below real time);</item>
/// <item>its memory and its network baseline hold the class's;</item>
/// <item>its instance store, if it has one, holds the whole recording (the recording goes there); a type without one
/// gets a root volume sized for the class (<see cref="RootVolume"/>), and segments are deleted once stored in S3.</item>
/// </list>
/// The CPU figures were measured on the build machine (bench/overhead, bench/transcode): whole AMD EPYC (Zen 4) cores.
/// An EC2 vCPU of these types is a hyperthread of an older core, counted as <see cref="BuildMachineCoresPerVCpu"/> of
/// one until bench/ measures on the type itself. The launcher can't know the camera's resolution or codec, so a class
/// that may transcode is sized for a 1080p30 camera.
/// </summary>
public static class InstanceSizing
{
    /// <summary>EC2's name for x86-64 (an AMI's and a type's architecture).</summary>
    public const string X8664 = "x86_64";
    /// <summary>EC2's name for 64-bit ARM (Graviton: t4g, c6g).</summary>
    public const string Arm64 = "arm64";

    /// <summary>When <see cref="Candidates"/>' prices were taken: EC2 on-demand list prices, Linux, us-east-1.</summary>
    public const string PricesAsOf = "2026-12";

    /// <summary>One instance type the launcher knows.</summary>
    /// <param name="BaselinePercent">The CPU a burstable type may use on each vCPU without spending credits (EC2's published baseline); 100 for a type that is not burstable.</param>
    /// <param name="NetworkMbps">EC2's published baseline bandwidth (a small type bursts above it on network credits).</param>
    /// <param name="PricePerHour">On-demand, Linux, us-east-1, as of <see cref="PricesAsOf"/>, in US dollars.</param>
    /// <param name="InstanceStoreGb">Its NVMe instance store (0: none; the recording then lives on the root volume).</param>
    public sealed record Candidate(
        string InstanceType,
        string Architecture,
        int VCpus,
        int BaselinePercent,
        int MemoryMiB,
        int NetworkMbps,
        decimal PricePerHour,
        int InstanceStoreGb = 0)
    {
        /// <summary>A T type: CPU above its baseline spends credits (<see cref="RunInstancesRequests"/> asks for unlimited ones).</summary>
        public bool Burstable => BaselinePercent < 100;

        /// <summary>The vCPUs' worth of CPU it runs at without spending credits.</summary>
        public double BaselineVCpus => VCpus * BaselinePercent / 100.0;
    }

    /// <summary>
    /// The types the launcher knows, dated <see cref="PricesAsOf"/>; the arm64 ones (Graviton) only with an arm64 AMI
    /// (<c>--ami-arm64</c>). The nanos are listed to say why they are never
    /// picked (half a GiB of memory, a 5 % baseline); every other row is one the launcher may run, and
    /// <c>iam/encoder-launcher-policy.json</c> allows exactly those (<see cref="Launchable"/>).
    /// </summary>
    public static readonly IReadOnlyList<Candidate> Candidates =
    [
        new("t4g.nano", Arm64, 2, 5, 512, 32, 0.0042m),
        new("t3a.nano", X8664, 2, 5, 512, 32, 0.0047m),
        new("t3.nano", X8664, 2, 5, 512, 32, 0.0052m),
        new("t4g.micro", Arm64, 2, 10, 1024, 64, 0.0084m),
        new("t3a.micro", X8664, 2, 10, 1024, 64, 0.0094m),
        new("t3.micro", X8664, 2, 10, 1024, 64, 0.0104m),
        new("t4g.small", Arm64, 2, 20, 2048, 128, 0.0168m),
        new("t3a.small", X8664, 2, 20, 2048, 128, 0.0188m),
        new("t3.small", X8664, 2, 20, 2048, 128, 0.0208m),
        new("t4g.medium", Arm64, 2, 20, 4096, 256, 0.0336m),
        new("t3a.medium", X8664, 2, 20, 4096, 256, 0.0376m),
        new("t3.medium", X8664, 2, 20, 4096, 256, 0.0416m),
        new("c6g.large", Arm64, 2, 100, 4096, 750, 0.068m),
        new("c5a.large", X8664, 2, 100, 4096, 750, 0.077m),
        new("c5.large", X8664, 2, 100, 4096, 750, 0.085m),
        new("c5d.large", X8664, 2, 100, 4096, 750, 0.096m, 50),
        new("t4g.xlarge", Arm64, 4, 40, 16384, 1024, 0.1344m),
        new("c6g.xlarge", Arm64, 4, 100, 8192, 1250, 0.136m),
        new("t3a.xlarge", X8664, 4, 40, 16384, 1024, 0.1504m),
        new("c5a.xlarge", X8664, 4, 100, 8192, 1250, 0.154m),
        new("t3.xlarge", X8664, 4, 40, 16384, 1024, 0.1664m),
        new("c5.xlarge", X8664, 4, 100, 8192, 1250, 0.17m),
        new("c5d.xlarge", X8664, 4, 100, 8192, 1250, 0.192m, 100),
    ];

    /// <summary>The types that carry at least one mode for a class of a few hours: what the launcher may run.</summary>
    public static IEnumerable<Candidate> Launchable =>
        Candidates.Where(c => Enum.GetValues<VideoMode>().Any(m => Shortfall(c, Need(m, TimeSpan.FromHours(2), RootVolume.CopyModeMbps)) is null));

    /// <summary>Each need is multiplied by this before it is compared with a type's figures: 50 % headroom.</summary>
    public const double Headroom = 1.5;

    /// <summary>
    /// One vCPU of these EC2 types, in cores of the build machine the needs were measured on (whole AMD EPYC Zen 4
    /// cores, one thread each). A t3/t3a/c5 vCPU is one hyperthread of an older, slower core (Xeon Skylake/Cascade Lake,
    /// EPYC Zen 1): counted as half a core, an estimate until bench/ runs on the type.
    /// </summary>
    public const double BuildMachineCoresPerVCpu = 0.5;

    /// <summary>Copy mode, everything together (daemon, recorder, egresses): 3.5–4.6 % of a core at 720p30 and 1080p30 (bench/overhead), rounded up.</summary>
    public const double CopyCores = 0.05;

    /// <summary>
    /// Transcode at 1080p30 (decode + x264 veryfast): FFmpeg 1.09–1.15 cores measured (media-tools.md, a test pattern),
    /// plus the copy-side work. (720p30: 0.46–0.65.)
    /// </summary>
    public const double Transcode1080pCores = 1.2;

    /// <summary>Debian, cloud-init, journald, the CloudWatch agent: an estimate, not measured on an instance.</summary>
    public const int SystemMiB = 300;

    /// <summary>The daemon's resident memory over a class, rounded up: 35–43 MB measured with the gen0 cap (bench/class-needs, 2026-12-07).</summary>
    public const int DaemonMiB = 45;

    /// <summary>
    /// A copy class's FFmpegs together (recorder, two egresses, the content watch) at 1080p30 6 Mbit/s, peak RSS summed
    /// (bench/class-needs: 267 MB with the daemon's 36; by Pss, which counts shared libraries once, the whole tree is 132 MB).
    /// </summary>
    public const int CopyFfmpegMiB = 231;

    /// <summary>A transcoding class's FFmpegs together (x264 veryfast at 1080p30), peak RSS summed (bench/class-needs: 482 MB with the daemon's 42).</summary>
    public const int TranscodeFfmpegMiB = 440;

    /// <summary>The camera in, two ingest slots and the S3 upload out: four times the recording's bitrate.</summary>
    public const int StreamsOnTheNetwork = 4;

    /// <summary>What one class needs of an instance, headroom included.</summary>
    /// <param name="BaselineVCpus">What it always does, in vCPUs: the budget of a burstable type's baseline.</param>
    /// <param name="PeakVCpus">What it may have to do, in vCPUs: the budget of the full vCPUs.</param>
    /// <param name="RecordingGb">The recording, for a type whose instance store must hold it.</param>
    public sealed record ClassNeed(double BaselineVCpus, double PeakVCpus, int MemoryMiB, double NetworkMbps, double RecordingGb);

    /// <summary>The vCPUs that do <paramref name="buildMachineCores"/> of work with <see cref="Headroom"/>.</summary>
    private static double VCpus(double buildMachineCores) => buildMachineCores / BuildMachineCoresPerVCpu * Headroom;

    /// <summary>
    /// A class's needs: copy always copies; transcode always transcodes; auto (and any other mode) always copies an
    /// H.264 camera but may have to transcode another, so its peak and memory are a transcode's.
    /// </summary>
    public static ClassNeed Need(VideoMode mode, TimeSpan classLength, double recordingMbps)
    {
        var always = mode == VideoMode.Transcode ? Transcode1080pCores : CopyCores;
        var peak = mode == VideoMode.Copy ? CopyCores : Transcode1080pCores;
        var ffmpegMiB = mode == VideoMode.Copy ? CopyFfmpegMiB : TranscodeFfmpegMiB;
        return new ClassNeed(
            VCpus(always),
            VCpus(peak),
            (int)Math.Ceiling((SystemMiB + DaemonMiB + ffmpegMiB) * Headroom),
            StreamsOnTheNetwork * recordingMbps * Headroom,
            RootVolume.RecordingBytes(classLength, recordingMbps) / 1e9); // instance stores are sold in GB
    }

    /// <summary>Why <paramref name="candidate"/> cannot carry <paramref name="need"/> (its first shortfall), or null when it can.</summary>
    public static string? Shortfall(Candidate candidate, ClassNeed need)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(need);
        var c = CultureInfo.InvariantCulture;
        if (candidate.BaselineVCpus < need.BaselineVCpus)
            return string.Create(c, $"its CPU baseline, {candidate.BaselineVCpus:0.##} vCPU, is less than the {need.BaselineVCpus:0.##} vCPU the class always needs");
        if (candidate.VCpus < need.PeakVCpus)
            return string.Create(c, $"its {candidate.VCpus} vCPUs are fewer than the {need.PeakVCpus:0.##} a 1080p30 transcode needs");
        if (candidate.MemoryMiB < need.MemoryMiB)
            return string.Create(c, $"its {candidate.MemoryMiB} MiB of memory are less than the {need.MemoryMiB} MiB the class needs");
        if (candidate.NetworkMbps < need.NetworkMbps)
            return string.Create(c, $"its network baseline, {candidate.NetworkMbps} Mbit/s, is less than the class's {need.NetworkMbps:0.#} Mbit/s");
        if (candidate.InstanceStoreGb > 0 && candidate.InstanceStoreGb < need.RecordingGb)
            return string.Create(c, $"its {candidate.InstanceStoreGb} GB instance store cannot hold the {need.RecordingGb:0.#} GB recording");
        return null;
    }

    /// <summary>The types that carry the class, on the architectures there is an AMI for, cheapest first: the first pick, then the capacity fallbacks.</summary>
    public static IReadOnlyList<Candidate> Choices(VideoMode mode, TimeSpan classLength, double recordingMbps, IReadOnlyCollection<string> architectures)
    {
        ArgumentNullException.ThrowIfNull(architectures);
        var need = Need(mode, classLength, recordingMbps);
        return [.. Candidates.Where(c => architectures.Contains(c.Architecture) && Shortfall(c, need) is null).OrderBy(c => c.PricePerHour)];
    }

    /// <summary>
    /// A type's architecture: the table's, else guessed from its family (a <c>g</c> after the generation digit is
    /// Graviton: c6g, m7gd, c7gn; g4dn is not), for an operator's <c>--instance-type</c> the table does not know.
    /// </summary>
    public static string ArchitectureOf(string instanceType)
    {
        ArgumentNullException.ThrowIfNull(instanceType);
        if (Find(instanceType) is { } row)
            return row.Architecture;
        var family = instanceType.Split('.')[0];
        var digit = family.AsSpan().IndexOfAnyInRange('0', '9');
        return digit > 0 && family[(digit + 1)..].Contains('g', StringComparison.Ordinal) ? Arm64 : X8664;
    }

    /// <summary>The cheapest x86-64 type that carries the class.</summary>
    public static Candidate For(VideoMode mode, TimeSpan classLength, double recordingMbps) =>
        Choices(mode, classLength, recordingMbps, [X8664])[0];

    /// <summary>The table's row for <paramref name="instanceType"/>, or null for a type it does not know.</summary>
    public static Candidate? Find(string instanceType) => Candidates.FirstOrDefault(c => c.InstanceType == instanceType);

    /// <summary>A T family (t2, t3, t3a, t4g, ...): a type whose CPU credits must be asked for, known to the table or not.</summary>
    public static bool IsBurstable(string instanceType) =>
        Find(instanceType)?.Burstable ?? (instanceType.Length > 1 && instanceType[0] == 't' && char.IsAsciiDigit(instanceType[1]));

    /// <summary>The on-demand price of running <paramref name="candidate"/> for <paramref name="length"/>.</summary>
    public static decimal Cost(Candidate candidate, TimeSpan length)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return candidate.PricePerHour * (decimal)Math.Max(0, length.TotalHours);
    }

    /// <summary>
    /// One line that says what the class runs on and what it costs: the type, its architecture, vCPUs and baseline, and
    /// its on-demand price from launch to the hard stop. No pricing API: the table's price.
    /// </summary>
    public static string Summary(string instanceType, TimeSpan toHardStop)
    {
        var c = CultureInfo.InvariantCulture;
        if (Find(instanceType) is not { } row)
            return $"{instanceType}: not in the launcher's table (Launch/InstanceSizing.cs): its architecture, size and price are unknown";
        var cpu = row.Burstable
            ? string.Create(c, $"{row.VCpus} vCPU at a {row.BaselinePercent} % baseline each, unlimited credits")
            : string.Create(c, $"{row.VCpus} vCPU");
        var store = row.InstanceStoreGb > 0 ? string.Create(c, $", {row.InstanceStoreGb} GB instance store") : "";
        return string.Create(c,
            $"{row.InstanceType}: {row.Architecture}, {cpu}, {row.MemoryMiB / 1024.0:0.#} GiB{store}; about ${Cost(row, toHardStop):0.000} on-demand for {toHardStop.TotalHours:0.##} h to the hard stop at ${row.PricePerHour}/h (us-east-1 list price, {PricesAsOf})");
    }
}
