using Encoder.Launch;
using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>The user-data `encoder launch` renders, checked by cloud-init itself.</summary>
[OneCoreEach]
[Category("Deploy")]
[Category("Integration")]
public sealed class CloudInitSchemaTests
{
    [Test]
    public async Task The_user_data_for_a_sample_class_is_a_valid_cloud_config()
    {
        var result = await SchemaAsync(UserData.Render(DeployFiles.SampleClass()));

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("Valid cloud-config"));
    }

    // Each case: one way to break the rendered user-data, which cloud-init must reject.
    [TestCase("#cloud-config\n", "", "the #cloud-config header is missing")]
    [TestCase("runcmd:\n", "runcmd: 5\nignored:\n", "runcmd is not a list")]
    [TestCase("permissions: '0640'", "permissions: [640]", "permissions is not a string")]
    [TestCase("  - path: /etc/encoder/encoder.json\n", "  - pth: /etc/encoder/encoder.json\n", "a file has no path")]
    [TestCase("      {\n", "    {\n", "the JSON is not indented inside its block (invalid YAML)")]
    public async Task A_broken_user_data_is_rejected(string find, string replace, string why)
    {
        var userData = UserData.Render(DeployFiles.SampleClass());
        Assert.That(userData, Does.Contain(find));

        var result = await SchemaAsync(ReplaceFirst(userData, find, replace));

        Assert.That(result.ExitCode, Is.Not.Zero, $"{why}:\n{result.Output}");
    }

    [Test]
    public async Task Yaml_yields_exactly_the_json_the_launcher_rendered()
    {
        var request = DeployFiles.SampleClass();
        using var folder = DeployFiles.NewTempFolder();
        await File.WriteAllTextAsync(folder.File("user-data"), UserData.Render(request));

        var result = await Tool.RunAsync("python3",
            ["-c", "import sys, yaml; sys.stdout.write(yaml.safe_load(open(sys.argv[1]))['write_files'][0]['content'])", folder.File("user-data")]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Is.EqualTo(ClassConfigJson.Render(request.ClassSettings)));
    }

    private static async Task<ToolResult> SchemaAsync(string userData)
    {
        using var folder = DeployFiles.NewTempFolder();
        await File.WriteAllTextAsync(folder.File("user-data"), userData);
        return await Tool.RunAsync("cloud-init", ["schema", "--config-file", folder.File("user-data")]);
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
