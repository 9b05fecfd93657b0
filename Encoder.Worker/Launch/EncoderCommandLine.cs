using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using Encoder.Configuration;

namespace Encoder.Launch;

/// <summary>
/// The binary's command line, before any host is built: <c>encoder launch ...</c>, <c>--help</c> (<c>-h</c>, <c>-?</c>)
/// and <c>--version</c>. Anything else is the daemon's configuration (<c>--Encoder:Key=value</c>) and goes to the host.
/// </summary>
public static class EncoderCommandLine
{
    private static readonly string[] HelpTokens = ["--help", "-h", "-?"];
    private const string VersionToken = "--version";

    /// <summary>No <c>@file</c> response files and no bundling: what the arguments say is all there is.</summary>
    public static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    /// <summary><c>encoder launch</c>: the options of <see cref="LaunchOption.All"/>, and help.</summary>
    public static Command Launch { get; }

    private static readonly Command Root;

    static EncoderCommandLine()
    {
        Launch = new Command(LaunchCommand.Verb, "Start one EC2 instance for one class from the Encoder AMI and print its id.");
        foreach (var option in LaunchOption.All)
            Launch.Options.Add(option.Option);
        Launch.Options.Add(HelpWith(LaunchOption.HelpEpilogue));

        Root = new Command("encoder", "Records one class: the camera (RTSP) to HLS, relayed to the CDN's ingest, stored in a folder or S3.\nRuns until SIGTERM, Ctrl+C or the class's end.")
        {
            Options = { HelpWith(DaemonEpilogue), new VersionOption { Action = new VersionAction() } },
            Subcommands = { Launch },
        };
    }

    /// <summary>
    /// What the daemon's binary does with its arguments: an exit code when the command line handled them (the launch
    /// verb, help, version), or null when they are the daemon's configuration, for the host to read.
    /// </summary>
    public static async Task<int?> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        Func<string?, IInstanceLauncher> launcherFor,
        SecretInputs? secretInputs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count > 0 && args[0] == LaunchCommand.Verb)
            return await LaunchCommand.RunAsync([.. args.Skip(1)], stdout, stderr, time, launcherFor, secretInputs, cancellationToken).ConfigureAwait(false);

        // Only the token itself is parsed: the rest are daemon settings, possibly secret, never to be echoed in an error.
        var token = args.FirstOrDefault(a => HelpTokens.Contains(a, StringComparer.Ordinal)) ?? args.FirstOrDefault(a => a == VersionToken);
        if (token is null)
            return null;
        return await Root.Parse([token], Parsing)
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes <c>encoder launch --help</c> to <paramref name="stdout"/>.</summary>
    public static int WriteLaunchHelp(TextWriter stdout) =>
        Launch.Parse(["--help"], Parsing).Invoke(new InvocationConfiguration { Output = stdout });

    /// <summary>The informational version set in the project (<c>Version</c>, plus the commit when built from git).</summary>
    public static string Version { get; } =
        typeof(EncoderCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>What <c>encoder --help</c> prints after System.CommandLine's description, usage, options and commands.</summary>
    public static readonly string DaemonEpilogue = $"""
        Settings, each source overriding the ones before it:
          1. appsettings.json, then appsettings.{"{Environment}"}.json, next to the binary
          2. the class's file: ${EncoderConfigFile.EnvironmentVariable} if set (it must then exist), else {EncoderConfigFile.DefaultPath} when present
          3. environment variables: Encoder__Camera__Url=rtsp://...
          4. the command line: encoder --Encoder:Camera:Url=rtsp://... (--Encoder:KEY=VALUE, one per setting)
          Every key, its default and its rules: README.md, section "Configuration" (on an instance:
          /usr/share/doc/encoder/README.md). A bad, missing or unknown key stops the start with one line naming it.

        Exit codes: {ExitCodes.Clean} clean stop, everything stored; {ExitCodes.Failure} unexpected failure; {ExitCodes.ConfigurationError} bad configuration, nothing started;
          {ExitCodes.UploadsPending} uploads left after the drain (the local copy is the only one); {ExitCodes.TerminationFailed} self-termination failed;
          {ExitCodes.PowerOffRequested} self-termination failed and the fallback asks encoder.service to power off.

        A SIGTERM (systemctl stop or restart, a reboot) pauses the class: the instance stays, the next start resumes it.
        To end a class early on purpose: sudo encoder end-class (same settings; the daemon ends it within a second, as at its end).

        """;

    private static HelpOption HelpWith(string epilogue)
    {
        var help = new HelpOption();
        help.Action = new HelpWithEpilogue((HelpAction)help.Action!, epilogue);
        return help;
    }

    /// <summary>System.CommandLine's help, then a few lines it has no place for: config sources, secrets, exit codes.</summary>
    private sealed class HelpWithEpilogue(HelpAction help, string epilogue) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var exit = help.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.Write(epilogue);
            return exit;
        }
    }

    /// <summary>This assembly's version, not the entry assembly's (a test host's, when run in-process).</summary>
    private sealed class VersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return ExitCodes.Clean;
        }
    }
}
