using Encoder.Aws;
using Encoder.Lifecycle;
using Encoder.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Encoder.Tests.Lifecycle;

public sealed class InstanceLookupTests
{
    // sys_vendor, board_asset_tag → the firmware says EC2
    [TestCase("Amazon EC2\n", "i-0123456789abcdef0\n", true)]
    [TestCase("Amazon EC2", null, true)]
    [TestCase(null, "i-0123456789abcdef0", true)]
    [TestCase("Xen", "i-0abc", true)]
    [TestCase("LENOVO", "", false)]
    [TestCase("QEMU", "Not Specified", false)]
    [TestCase("amazon ec2", null, false)]
    [TestCase(null, null, false)]
    public void The_firmware_says_EC2_by_its_vendor_or_an_instance_id_as_asset_tag(string? vendor, string? assetTag, bool expected) =>
        Assert.That(DmiIdentity.SaysEc2(vendor, assetTag), Is.EqualTo(expected));

    [Test]
    public void The_firmware_is_read_under_its_root_and_a_machine_without_DMI_is_no_EC2_machine()
    {
        var root = Directory.CreateTempSubdirectory("encoder-dmi-").FullName;
        try
        {
            Assert.That(new DmiIdentity(root).MachineSaysEc2, Is.False, "no DMI at all (a container)");
            Assert.That(new DmiIdentity(ClassEndRig.DmiRoot(Path.Combine(root, "laptop"), ec2: false)).MachineSaysEc2, Is.False);
            Assert.That(new DmiIdentity(ClassEndRig.DmiRoot(Path.Combine(root, "ec2"), ec2: true)).MachineSaysEc2, Is.True);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // firmware says EC2, left of the slice (s), last attempt took (s) → after a metadata miss
    [TestCase(false, 30, 2, MetadataMissVerdict.NotEc2)]
    [TestCase(false, 0, 0, MetadataMissVerdict.NotEc2)]
    [TestCase(true, 30, 2, MetadataMissVerdict.AskAgain)]
    [TestCase(true, 3, 2, MetadataMissVerdict.AskAgain)]
    [TestCase(true, 2.9, 2, MetadataMissVerdict.GiveUp)]
    [TestCase(true, 0, 0.1, MetadataMissVerdict.GiveUp)]
    [TestCase(true, -1, 2, MetadataMissVerdict.GiveUp)]
    public void A_metadata_miss_means_not_on_EC2_only_where_the_firmware_does_not_say_EC2_else_it_is_asked_again_while_an_attempt_fits(
        bool saysEc2, double leftSeconds, double lastAttemptSeconds, MetadataMissVerdict expected) =>
        Assert.That(MetadataMiss.Decide(saysEc2, TimeSpan.FromSeconds(leftSeconds), TimeSpan.FromSeconds(lastAttemptSeconds)), Is.EqualTo(expected));

    /// <summary>A metadata service that misses (2 s each, on the fake clock) a number of times, then names the instance.</summary>
    private sealed class SlowMetadata(FakeTimeProvider time, int misses) : IInstanceMetadata
    {
        public int Asked { get; private set; }

        public Uri Endpoint { get; } = new("http://metadata.test/");

        public Task<MetadataLookup> GetIdentityAsync(CancellationToken cancellationToken)
        {
            if (++Asked > misses)
                return Task.FromResult(MetadataLookup.Found(new InstanceIdentity("i-0123456789abcdef0", "eu-west-1")));
            time.Advance(Imdsv2Client.RequestTimeout);
            return Task.FromResult(MetadataLookup.Unreachable("no answer within 2s"));
        }

        public Task<string?> GetRootDeviceAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
    }

    /// <summary>A fake clock that says when a timer is set, so a test moves it on exactly when the code under test waits.</summary>
    private sealed class WaitedOnTime : FakeTimeProvider, IDisposable
    {
        public SemaphoreSlim TimerSet { get; } = new(0);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            TimerSet.Release();
            return timer;
        }

        public void Dispose() => TimerSet.Dispose();
    }

    /// <summary>Runs the lookup on the fake clock, moving it on by the retry delay each time the lookup waits.</summary>
    private static async Task<InstanceLookupResult> FindAsync(InstanceLookup lookup, WaitedOnTime time, TimeSpan slice)
    {
        var find = lookup.FindAsync(slice, CancellationToken.None);
        while (await Task.WhenAny(find, time.TimerSet.WaitAsync()) != find)
            time.Advance(MetadataMiss.RetryDelay);
        return await find;
    }

    // firmware says EC2, misses before it answers, slice (s) → found, attempts
    [TestCase(true, 2, 25, true, 3)]
    [TestCase(true, 0, 25, true, 1)]
    [TestCase(false, 1, 25, false, 1)]
    [TestCase(true, 100, 25, false, 8)]
    [TestCase(true, 100, 2, false, 1)]
    public async Task A_lookup_asks_again_after_misses_only_on_a_machine_that_says_it_is_EC2_and_only_within_its_slice(
        bool saysEc2, int misses, int sliceSeconds, bool found, int attempts)
    {
        var root = Directory.CreateTempSubdirectory("encoder-dmi-").FullName;
        try
        {
            using var time = new WaitedOnTime();
            var metadata = new SlowMetadata(time, misses);
            var lookup = new InstanceLookup(metadata, new DmiIdentity(ClassEndRig.DmiRoot(root, saysEc2)), time, new ListLogger<InstanceLookup>());

            var result = await FindAsync(lookup, time, TimeSpan.FromSeconds(sliceSeconds));

            Assert.That(result.Last.Status, Is.EqualTo(found ? MetadataStatus.Found : MetadataStatus.Unreachable));
            Assert.That((result.Attempts, metadata.Asked), Is.EqualTo((attempts, attempts)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
