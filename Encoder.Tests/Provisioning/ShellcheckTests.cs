using Encoder.Tests.Infrastructure;

namespace Encoder.Tests.Provisioning;

/// <summary>Every shell script in the repository (found by its #! line, wherever it lives) passes shellcheck.</summary>
[OneCoreEach]
[Category("Deploy")]
[Category("Integration")]
public sealed class ShellcheckTests
{
    private static readonly string[] Skipped = [".git", "bin", "obj", ".demo", "TestResults", "out", "artifacts"];

    [Test]
    public async Task Every_shell_script_passes_shellcheck()
    {
        var scripts = ShellScripts(RepoPaths.Root).Select(p => Path.GetRelativePath(RepoPaths.Root, p)).Order(StringComparer.Ordinal).ToList();
        Assert.That(scripts, Is.SupersetOf(new[] { ".ci/run", "bench/binary", "bench/streaming", "dev/demo", "dev/install-deps", "dev/test", "packer/provision.sh" }));

        var result = await Tool.RunAsync("shellcheck", ["--external-sources", .. scripts]);

        Assert.That(result.ExitCode, Is.Zero, result.Output);
    }

    private static IEnumerable<string> ShellScripts(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            using var reader = new StreamReader(file);
            var first = reader.ReadLine() ?? "";
            if (first.StartsWith("#!", StringComparison.Ordinal) && (first.EndsWith("/sh", StringComparison.Ordinal) || first.EndsWith("bash", StringComparison.Ordinal)))
                yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(folder).Where(d => !Skipped.Contains(Path.GetFileName(d))))
        {
            foreach (var script in ShellScripts(sub))
                yield return script;
        }
    }
}
