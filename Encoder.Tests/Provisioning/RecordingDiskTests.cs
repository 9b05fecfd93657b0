using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>
/// cloud-init/encoder-recording-disk, the boot script that puts the recordings on the NVMe instance store, run as root
/// against a loop device standing in for it: udev's by-id link is the test's own (ENCODER_DISK_BY_ID). Everything
/// mounted is unmounted and every loop device detached in teardown.
/// </summary>
[Category("Deploy")]
[Category("Integration")]
[NonParallelizable]
public sealed class RecordingDiskTests
{
    private TempFolder _folder = null!;
    private string? _loop;

    private string MountPoint => _folder.File("recordings");

    private string ById => _folder.File("by-id");

    [SetUp]
    public void CreateFolder()
    {
        _folder = DeployFiles.NewTempFolder();
        Directory.CreateDirectory(ById);
    }

    [TearDown]
    public async Task UnmountAndDetach()
    {
        if ((await Tool.RunAsync("findmnt", ["--mountpoint", MountPoint])).ExitCode == 0)
            await Tool.RunAsync("umount", [MountPoint]);
        if (_loop is not null)
            await Tool.RunAsync("losetup", ["-d", _loop]);
        _folder.Dispose();
    }

    [Test]
    public async Task A_blank_instance_store_is_formatted_and_mounted_and_after_a_reboot_mounted_as_it_is()
    {
        await InstanceStoreAsync();

        var first = await RunAsync();
        await File.WriteAllTextAsync(Path.Combine(MountPoint, "seg_00000.ts"), "recorded before the reboot");
        var again = await RunAsync();
        await Tool.RunAsync("umount", [MountPoint]);
        var afterReboot = await RunAsync();

        Assert.That(first.ExitCode, Is.Zero, first.Output);
        Assert.That(first.Output, Does.Contain($"recordings on instance store {_loop}"));
        Assert.That(await MountedAsync(), Is.EqualTo($"{_loop} ext4"));
        Assert.That((await Tool.RunAsync("stat", ["-c", "%a %U:%G", MountPoint])).Output.Trim(), Is.EqualTo("750 nobody:nogroup"));
        Assert.That((again.ExitCode, again.Output), Is.EqualTo((0, $"encoder-recording-disk: {MountPoint} is already mounted: {_loop}")));
        Assert.That(afterReboot.Output, Does.Contain("already holds ext4"));
        Assert.That(File.ReadAllText(Path.Combine(MountPoint, "seg_00000.ts")), Is.EqualTo("recorded before the reboot"));
    }

    [Test]
    public async Task Without_an_instance_store_the_recordings_stay_in_a_folder_on_the_root_volume()
    {
        var result = await RunAsync();

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("no NVMe instance store; recordings stay on the root volume"));
        Assert.That(Directory.Exists(MountPoint), Is.True);
        Assert.That(await MountedAsync(), Is.Empty);
    }

    [Test]
    public async Task An_instance_store_that_holds_something_else_is_not_touched()
    {
        await InstanceStoreAsync();
        await Tool.RunAsync("mkswap", [_loop!]);

        var result = await RunAsync();

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("holds swap, which is not ours; not touched"));
        Assert.That(await MountedAsync(), Is.Empty);
        Assert.That((await Tool.RunAsync("blkid", ["-p", "-o", "value", "-s", "TYPE", _loop!])).Output.Trim(), Is.EqualTo("swap"));
    }

    /// <summary>A 64 MB sparse image on a loop device, linked where udev links the instance store.</summary>
    private async Task InstanceStoreAsync()
    {
        var image = _folder.File("instance-store.img");
        await using (var file = File.Create(image))
            file.SetLength(64L * 1024 * 1024);
        var losetup = await Tool.RunAsync("losetup", ["--find", "--show", image]);
        Assert.That(losetup.ExitCode, Is.Zero, losetup.Output);
        _loop = losetup.Output.Trim();
        File.CreateSymbolicLink(Path.Combine(ById, "nvme-Amazon_EC2_NVMe_Instance_Storage_AWS1234567890ABCDEF0"), _loop);
    }

    private Task<ToolResult> RunAsync() =>
        Tool.RunAsync(DeployFiles.CloudInit("encoder-recording-disk"), [MountPoint, "nobody:nogroup"], new Dictionary<string, string> { ["ENCODER_DISK_BY_ID"] = ById });

    private async Task<string> MountedAsync() =>
        (await Tool.RunAsync("findmnt", ["-n", "-o", "SOURCE,FSTYPE", "--mountpoint", MountPoint])).Output.Trim();
}
