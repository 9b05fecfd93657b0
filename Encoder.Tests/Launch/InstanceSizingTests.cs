using Encoder.Configuration;
using Encoder.Launch;

namespace Encoder.Tests.Launch;

public sealed class InstanceSizingTests
{
    // (mode, class length to the hard stop, recording Mbit/s) → the first pick
    [TestCase(VideoMode.Copy, 2.5, 8.0, "t3a.micro", TestName = "Copy: a t3a.micro, whose 0.2 vCPU baseline holds 0.15 (a copy class's 0.05 core, counted as 0.1 vCPU, + 50 %)")]
    [TestCase(VideoMode.Copy, 12.0, 8.0, "t3a.micro", TestName = "Copy for 12 h: no instance store to outgrow, the root volume holds its 54 GB")]
    [TestCase(VideoMode.Copy, 2.5, 40.0, "t3a.medium", TestName = "Copy at 40 Mbit/s: 240 Mbit/s on the network (in, two slots, S3, + 50 %) outgrows a small's 128")]
    [TestCase(VideoMode.Auto, 2.5, 8.0, "t3a.xlarge", TestName = "Auto: copies at a 1.6 vCPU baseline, may transcode 1080p30 on 4 vCPUs (3.6 needed)")]
    [TestCase(VideoMode.Transcode, 2.5, 4.75, "c5a.xlarge", TestName = "Transcode always: 3.6 vCPUs of baseline, only a type that is not burstable has it")]
    public void Picks_the_cheapest_type_that_carries_the_mode_with_headroom(VideoMode mode, double hours, double mbps, string expected)
    {
        Assert.That(InstanceSizing.For(mode, TimeSpan.FromHours(hours), mbps).InstanceType, Is.EqualTo(expected));
    }

    [TestCase("t3a.nano", VideoMode.Copy, "its CPU baseline, 0.1 vCPU, is less than the 0.15 vCPU the class always needs")]
    [TestCase("t3a.micro", VideoMode.Auto, "its 2 vCPUs are fewer than the 3.6 a 1080p30 transcode needs")]
    [TestCase("t3a.small", VideoMode.Auto, "its 2 vCPUs are fewer than the 3.6 a 1080p30 transcode needs")]
    [TestCase("t3a.xlarge", VideoMode.Transcode, "its CPU baseline, 1.6 vCPU, is less than the 3.6 vCPU the class always needs")]
    [TestCase("t3a.micro", VideoMode.Copy, null)]
    [TestCase("t3a.xlarge", VideoMode.Auto, null)]
    public void A_type_that_falls_short_says_where(string type, VideoMode mode, string? shortfall)
    {
        var need = InstanceSizing.Need(mode, TimeSpan.FromHours(2), 8);

        Assert.That(InstanceSizing.Shortfall(InstanceSizing.Find(type)!, need), Is.EqualTo(shortfall));
    }

    [Test]
    public void Memory_network_and_instance_store_each_rule_a_type_out()
    {
        var copy = InstanceSizing.Need(VideoMode.Copy, TimeSpan.FromHours(2), 8);
        var roomy = new InstanceSizing.Candidate("x.test", InstanceSizing.X8664, 2, 100, 4096, 1000, 0.01m);

        Assert.That(InstanceSizing.Shortfall(roomy, copy), Is.Null);
        Assert.That(InstanceSizing.Shortfall(roomy with { MemoryMiB = 512 }, copy), Does.StartWith("its 512 MiB of memory are less than the 864 MiB"));
        Assert.That(InstanceSizing.Shortfall(roomy with { NetworkMbps = 32 }, copy), Does.StartWith("its network baseline, 32 Mbit/s, is less than the class's 48 Mbit/s"));
        Assert.That(InstanceSizing.Shortfall(roomy with { InstanceStoreGb = 50 }, InstanceSizing.Need(VideoMode.Copy, TimeSpan.FromHours(12), 8)),
            Does.StartWith("its 50 GB instance store cannot hold the 54 GB recording"));
    }

    [Test]
    public void The_fallbacks_carry_the_class_too_cheapest_first_on_the_ami_s_architecture()
    {
        var copy = InstanceSizing.Choices(VideoMode.Copy, TimeSpan.FromHours(2), 8, [InstanceSizing.X8664]);
        var auto = InstanceSizing.Choices(VideoMode.Auto, TimeSpan.FromHours(2), 8, [InstanceSizing.X8664]);

        Assert.That(copy.Select(c => c.InstanceType).Take(4), Is.EqualTo(new[] { "t3a.micro", "t3.micro", "t3a.small", "t3.small" }));
        Assert.That(auto.Select(c => c.InstanceType), Is.EqualTo(new[] { "t3a.xlarge", "c5a.xlarge", "t3.xlarge", "c5.xlarge", "c5d.xlarge" }));
        Assert.That(copy.Select(c => c.PricePerHour), Is.Ordered);
        Assert.That(copy.Concat(auto).Select(c => c.Architecture), Is.All.EqualTo("x86_64"), "no Graviton type without an arm64 AMI");
    }

    /// <summary>Issue 25's goals (us-east-1 on-demand): copy ≤ $0.02/h is met; auto ≤ $0.04/h is not safe (a 1080p30 transcode needs 4 vCPUs).</summary>
    [Test]
    public void The_defaults_cost_an_hour_against_the_c5d_defaults()
    {
        var copy = InstanceSizing.For(VideoMode.Copy, TimeSpan.FromHours(2), 8);
        var auto = InstanceSizing.For(VideoMode.Auto, TimeSpan.FromHours(2), 8);

        Assert.That(copy.PricePerHour, Is.LessThanOrEqualTo(0.02m).And.LessThan(InstanceSizing.Find("c5d.large")!.PricePerHour / 10));
        Assert.That(auto.PricePerHour, Is.LessThan(InstanceSizing.Find("c5d.xlarge")!.PricePerHour));
    }

    [Test]
    public void No_pick_has_an_instance_store_so_none_is_paid_for()
    {
        foreach (var mode in Enum.GetValues<VideoMode>())
            Assert.That(InstanceSizing.For(mode, TimeSpan.FromHours(2), 8).InstanceStoreGb, Is.Zero, mode.ToString());
    }

    [Test]
    public void The_nanos_are_never_launched()
    {
        Assert.That(InstanceSizing.Launchable.Select(c => c.InstanceType), Has.None.EndsWith(".nano"));
        Assert.That(InstanceSizing.Launchable.Count(), Is.EqualTo(InstanceSizing.Candidates.Count - 3));
    }

    // type → whether RunInstances must say its credits
    [TestCase("t3a.micro", true)]
    [TestCase("t2.micro", true)]
    [TestCase("t4g.small", true)]
    [TestCase("c5a.xlarge", false)]
    [TestCase("m5d.large", false)]
    public void Burstable_types_are_the_t_families_known_or_not(string type, bool burstable)
    {
        Assert.That(InstanceSizing.IsBurstable(type), Is.EqualTo(burstable));
    }

    [TestCase("t3a.micro", 2.5, "t3a.micro: x86_64, 2 vCPU at a 10 % baseline each, unlimited credits, 1 GiB; about $0.024 on-demand for 2.5 h to the hard stop at $0.0094/h (us-east-1 list price, 2026-12)")]
    [TestCase("c5a.xlarge", 1.5, "c5a.xlarge: x86_64, 4 vCPU, 8 GiB; about $0.231 on-demand for 1.5 h to the hard stop at $0.154/h (us-east-1 list price, 2026-12)")]
    [TestCase("c5d.large", 1, "c5d.large: x86_64, 2 vCPU, 4 GiB, 50 GB instance store; about $0.096 on-demand for 1 h to the hard stop at $0.096/h (us-east-1 list price, 2026-12)")]
    [TestCase("m5d.large", 1, "m5d.large: not in the launcher's table (Launch/InstanceSizing.cs): its architecture, size and price are unknown")]
    public void The_summary_names_the_type_its_size_and_the_class_s_cost(string type, double hours, string summary)
    {
        Assert.That(InstanceSizing.Summary(type, TimeSpan.FromHours(hours)), Is.EqualTo(summary));
    }

    [Test]
    public void The_operator_s_instance_type_wins_with_a_warn_when_the_table_does_not_vouch_for_it()
    {
        var unknown = LaunchArguments.Parse(LaunchSamples.Args("--instance-type", "m5d.large"), LaunchSamples.Now);
        var tooSmall = LaunchArguments.Parse(LaunchSamples.Args("--instance-type", "t3a.small"), LaunchSamples.Now);
        var enough = LaunchArguments.Parse(LaunchSamples.Args("--instance-type", "c5.xlarge"), LaunchSamples.Now);

        Assert.That(unknown.Request!.Instance.InstanceTypes, Is.EqualTo(new[] { "m5d.large" }), "no fallback to another type than the one named");
        Assert.That(unknown.Warnings!.Where(w => w.Contains("--instance-type", StringComparison.Ordinal)), Is.EqualTo(new[] { "WARN: --instance-type m5d.large is not in the launcher's table (Launch/InstanceSizing.cs): whether it carries a class in auto mode is unknown; launching it as asked" }));
        Assert.That(tooSmall.Request!.Instance.InstanceType, Is.EqualTo("t3a.small"));
        Assert.That(tooSmall.Warnings!.Where(w => w.Contains("--instance-type", StringComparison.Ordinal)), Is.EqualTo(new[] { "WARN: --instance-type t3a.small cannot carry a class in auto mode by the launcher's table: its 2 vCPUs are fewer than the 3.6 a 1080p30 transcode needs; launching it as asked" }));
        Assert.That(enough.Warnings!.Where(w => w.Contains("--instance-type", StringComparison.Ordinal)), Is.Empty);
    }

    // --set Encoder:Video:Mode=... → the first pick
    [TestCase("copy", "t3a.micro")]
    [TestCase("auto", "t3a.xlarge")]
    [TestCase("transcode", "c5a.xlarge")]
    public void The_class_s_mode_picks_its_instance(string mode, string type)
    {
        var parse = LaunchArguments.Parse(LaunchSamples.Args("--set", $"Encoder:Video:Mode={mode}"), LaunchSamples.Now);

        Assert.That(parse.Request!.Instance.InstanceType, Is.EqualTo(type));
        Assert.That(parse.Request.Instance.InstanceTypes, Has.Count.GreaterThan(2), "capacity fallbacks follow the first pick");
    }

    // (the AMIs given, mode) → the first picks
    [TestCase("--ami-arm64", "copy", "t4g.micro", "t3a.micro", TestName = "Both AMIs, copy: Graviton's t4g.micro first, then x86-64's")]
    [TestCase("--ami-arm64", "auto", "t4g.xlarge", "c6g.xlarge", TestName = "Both AMIs, auto: t4g.xlarge, then c6g.xlarge")]
    [TestCase("--ami-arm64", "transcode", "c6g.xlarge", "c5a.xlarge", TestName = "Both AMIs, transcode: c6g.xlarge, then c5a.xlarge")]
    public void With_an_arm64_ami_graviton_types_join_the_choice(string flag, string mode, string first, string second)
    {
        var parse = LaunchArguments.Parse(LaunchSamples.Args(flag, "ami-0fedcba9876543210", "--set", $"Encoder:Video:Mode={mode}"), LaunchSamples.Now);

        Assert.That(parse.Errors, Is.Empty);
        Assert.That(parse.Request!.Instance.InstanceTypes.Take(2), Is.EqualTo(new[] { first, second }));
    }

    [Test]
    public void With_only_an_arm64_ami_only_graviton_types_are_tried_and_get_that_ami()
    {
        var args = LaunchSamples.ArgsWithout("--ami");
        args.AddRange(["--ami-arm64", "ami-0fedcba9876543210", "--set", "Encoder:Video:Mode=copy"]);

        var request = LaunchArguments.Parse(args, LaunchSamples.Now).Request!;

        Assert.That(request.Instance.InstanceTypes.Select(InstanceSizing.ArchitectureOf), Is.All.EqualTo("arm64"));
        Assert.That(RunInstancesRequests.Create(request, "x").ImageId, Is.EqualTo("ami-0fedcba9876543210"));
    }

    [Test]
    public void Each_attempt_runs_the_ami_of_its_type_s_architecture()
    {
        var request = LaunchArguments.Parse(LaunchSamples.Args("--ami-arm64", "ami-0fedcba9876543210", "--set", "Encoder:Video:Mode=copy"), LaunchSamples.Now).Request!;

        var images = request.Instance.Attempts.Take(2).Select(a => (a.InstanceType, RunInstancesRequests.Create(request, "x", 15, a).ImageId));

        Assert.That(images, Is.EqualTo(new[] { ("t4g.micro", "ami-0fedcba9876543210"), ("t3a.micro", "ami-0123456789abcdef0") }));
    }

    [Test]
    public void An_operator_s_graviton_type_without_an_arm64_ami_is_refused_naming_the_option()
    {
        var parse = LaunchArguments.Parse(LaunchSamples.Args("--instance-type", "t4g.small"), LaunchSamples.Now);

        Assert.That(parse.Errors, Is.EqualTo(new[] { "--instance-type: t4g.small is arm64: it needs --ami-arm64" }));
    }

    // type → its architecture (the table's, else guessed from the family)
    [TestCase("t4g.micro", "arm64")]
    [TestCase("t3a.micro", "x86_64")]
    [TestCase("m7gd.large", "arm64")]
    [TestCase("c7gn.xlarge", "arm64")]
    [TestCase("g4dn.xlarge", "x86_64")]
    [TestCase("m5d.large", "x86_64")]
    public void A_type_s_architecture(string type, string architecture)
    {
        Assert.That(InstanceSizing.ArchitectureOf(type), Is.EqualTo(architecture));
    }
}
