using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Encoder.Lifecycle;

namespace Encoder.Launch;

/// <summary>What a start of the binary that reads the daemon's configuration is for.</summary>
public enum DaemonVerb
{
    /// <summary>No verb: the daemon itself.</summary>
    Run,

    /// <summary><c>encoder end-class</c>: <see cref="EndClassCommand"/>.</summary>
    EndClass,

    /// <summary><c>encoder check</c>: the pre-flight (<c>Preflight/CheckCommand</c>), a table or (<c>--json</c>) JSON.</summary>
    Check,
}

/// <summary>
/// What the command line decided: an exit code when it answered the start itself (<c>launch</c>, help, version, a
/// mistake), else the verb to run with the daemon's configuration, whose command-line part is <see cref="Settings"/>
/// (for the host to read, as given).
/// </summary>
/// <param name="Json"><c>encoder check --json</c>: the answer for a machine.</param>
public sealed record CommandLineOutcome(int? ExitCode, DaemonVerb Verb, IReadOnlyList<string> Settings, bool Json = false)
{
    public static CommandLineOutcome Exit(int exitCode) => new(exitCode, DaemonVerb.Run, []);
}

/// <summary>The arguments parted: daemon settings (for the host), command words (for System.CommandLine), or why neither.</summary>
public sealed record CommandLineParts(IReadOnlyList<string> Settings, IReadOnlyList<string> Words, string? Problem);

/// <summary>
/// The binary's command line, before any host is built. Every verb and option is System.CommandLine's: <c>encoder
/// launch ...</c>, <c>encoder end-class</c>, <c>encoder check [--json]</c>, <c>--help</c> (<c>-h</c>, <c>-?</c>) and <c>--version</c>; no verb is the
/// daemon. Daemon settings (<c>--Encoder:Key=value</c>, in every form the host's command-line configuration reads) are
/// set aside first (<see cref="Part"/>) and go to the host untouched; System.CommandLine never sees them, so no error
/// can quote one (they may be secret). Any other word is refused (exit 2) with the nearest command: a mistyped verb
/// never starts a daemon.
/// </summary>
public static partial class EncoderCommandLine
{
    private static readonly string[] HelpTokens = ["--help", "-h", "-?"];
    private const string VersionToken = "--version";

    /// <summary>The one option of a verb that reads the daemon's settings (<c>check --json</c>): a command word, never a setting.</summary>
    private const string JsonToken = "--json";

    /// <summary>No <c>@file</c> response files and no bundling: what the arguments say is all there is.</summary>
    public static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    /// <summary><c>encoder launch</c>: the options of <see cref="LaunchOption.All"/>, and help.</summary>
    public static Command Launch { get; }

    /// <summary><c>encoder end-class</c>: the daemon's settings, and help.</summary>
    public static Command EndClass { get; }

    /// <summary><c>encoder check</c>: the daemon's settings, <c>--json</c>, and help.</summary>
    public static Command Check { get; }

    /// <summary><c>encoder check</c>'s verb (the command itself is Preflight's, which Launch does not import).</summary>
    public const string CheckVerb = "check";

    private static readonly Option<bool> CheckJson = new(JsonToken) { Description = "Print the result as JSON (the shape of status.json's \"preflight\") instead of a table." };

    /// <summary>What <c>encoder check --help</c> says after the usage.</summary>
    public const string CheckEpilogue = """
        It reads the daemon's own settings (the class's file, the environment, --Encoder:KEY=VALUE) and resolves its
        SSM references, then checks at once, within 15 s: the camera (reachable; codecs, picture, frame rate, keyframe
        interval; audio present and not silent over 4 s, sampled by FFmpeg as the recorder runs it), the plan (copy or
        transcode) and whether this instance type carries it, each ingest (RTMP handshake and connect, never a publish),
        storage (writes and reads back <session>/preflight-probe.json), IMDSv2, the clock against S3's, and the recording
        disk against the class's length. It never prints a secret.

        Exit codes: 0 every check passed (warnings pass); 1 a check failed (the table names it); 2 bad configuration,
        nothing was checked (one line per problem, as the daemon says them).

        """;

    private static readonly Command Root;

    static EncoderCommandLine()
    {
        Launch = new Command(LaunchCommand.Verb, "Start one EC2 instance for one class from the Encoder AMI and print its id.");
        foreach (var option in LaunchOption.All)
            Launch.Options.Add(option.Option);
        Launch.Options.Add(HelpWith(LaunchOption.HelpEpilogue));

        EndClass = new Command(EndClassCommand.Verb, EndClassCommand.Description)
        {
            Options = { HelpWith(EndClassCommand.HelpEpilogue) },
            Action = new VerbAction(DaemonVerb.EndClass),
        };

        Check = new Command(CheckVerb, "Check the class before it starts: camera, plan, ingests, storage, secrets, instance, clock, disk.")
        {
            Options = { CheckJson, HelpWith(CheckEpilogue) },
            Action = new VerbAction(DaemonVerb.Check),
        };

        Root = new Command("encoder", "Records one class: the camera (RTSP) to HLS, relayed to the CDN's ingest, stored in a folder or S3.\nRuns until SIGTERM, Ctrl+C or the class's end.")
        {
            Options = { HelpWith(DaemonEpilogue), new VersionOption { Action = new VersionAction() } },
            Subcommands = { Launch, EndClass, Check },
            Action = new VerbAction(DaemonVerb.Run),
        };
    }

    /// <summary>
    /// What the binary does with its arguments: an exit code when the command line handled them (the launch verb, help,
    /// version, a word that is neither a command nor a setting), or the verb to run with the daemon's settings.
    /// </summary>
    public static async Task<CommandLineOutcome> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        TimeProvider time,
        Func<string?, IInstanceLauncher> launcherFor,
        SecretInputs? secretInputs = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        // launch has options of its own (never daemon settings), parsed by LaunchArguments.
        if (args.Count > 0 && args[0] == LaunchCommand.Verb)
            return CommandLineOutcome.Exit(await LaunchCommand.RunAsync([.. args.Skip(1)], stdout, stderr, time, launcherFor, secretInputs, cancellationToken).ConfigureAwait(false));

        var parts = Part(args);
        if (parts.Problem is { } problem)
        {
            await stderr.WriteLineAsync($"encoder: {problem}; nothing was started (encoder --help)").ConfigureAwait(false);
            return CommandLineOutcome.Exit(ExitCodes.ConfigurationError);
        }

        var parse = Root.Parse([.. parts.Words], Parsing);
        if (parse.Errors.Count == 0 && parse.Action is VerbAction verb)
            return new CommandLineOutcome(null, verb.Verb, parts.Settings, verb.Verb == DaemonVerb.Check && parse.GetValue(CheckJson));
        // Help wins over any mistake beside it; version only stands alone.
        if (parse.Action is HelpWithEpilogue || (parse.Errors.Count == 0 && parse.Action is VersionAction))
            return CommandLineOutcome.Exit(await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false));

        foreach (var line in Refusal(parse))
            await stderr.WriteLineAsync(line).ConfigureAwait(false);
        return CommandLineOutcome.Exit(ExitCodes.ConfigurationError);
    }

    /// <summary>
    /// Parts the arguments as the host's command-line configuration reads them: <c>--Key=value</c>, <c>/Key=value</c>
    /// and <c>Key=value</c> are one setting; <c>--Key value</c> and <c>/Key value</c> are one setting of two arguments.
    /// Help, version, <c>--json</c>, single-dash options and bare words are command words. A last <c>--Key</c> with no value is a
    /// problem (the host would skip it silently).
    /// </summary>
    public static CommandLineParts Part(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new List<string>();
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var prefixed = (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2) || (arg.StartsWith('/') && arg.Length > 1);
            var hasValue = arg.Contains('=', StringComparison.Ordinal);
            var word = HelpTokens.Contains(arg, StringComparer.Ordinal) || arg == VersionToken || arg == JsonToken || (!prefixed && (!hasValue || arg.StartsWith('-')));
            if (word)
                words.Add(arg);
            else if (hasValue)
                settings.Add(arg);
            else if (i + 1 < args.Count)
                settings.AddRange([arg, args[++i]]);
            else
                return new CommandLineParts(settings, words, $"{arg} has no value (--Encoder:Key=value)");
        }

        return new CommandLineParts(settings, words, null);
    }

    /// <summary>The commands and options a mistyped word is compared with.</summary>
    private static IEnumerable<string> KnownWords => Root.Subcommands.Select(c => c.Name).Concat(["--help", VersionToken]);

    /// <summary>Why the words were refused, one line each, with the nearest command or option when one is near.</summary>
    private static IEnumerable<string> Refusal(ParseResult parse)
    {
        if (parse.CommandResult.Command == Launch)
        {
            yield return $"encoder: {LaunchCommand.Verb} must come first, before its own options: encoder {LaunchCommand.Verb} --help; nothing was started";
            yield break;
        }

        var unmatched = parse.UnmatchedTokens;
        foreach (var word in unmatched)
            yield return $"encoder: {Quote(word)} is not a command, an option or a setting (--Encoder:Key=value); nothing was started"
                + (Nearest(word) is { } nearest ? $"; did you mean '{nearest}'?" : "");
        if (unmatched.Count == 0)
        {
            foreach (var error in parse.Errors)
                yield return $"encoder: {error.Message}; nothing was started";
        }

        yield return $"encoder: commands: {string.Join(", ", Root.Subcommands.Select(c => c.Name))}, or none for the daemon; encoder --help says more";
    }

    /// <summary>The known command or option nearest to <paramref name="word"/> (ignoring case), if it is a plausible typo of it.</summary>
    public static string? Nearest(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var typed = word.ToLowerInvariant();
        return KnownWords
            .Select(known => (Known: known, Distance: EditDistance(typed, known)))
            .Where(c => c.Distance <= Math.Max(2, c.Known.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Known)
            .FirstOrDefault();
    }

    /// <summary>A word is quoted back only when it looks like one: anything else may be a secret typed in the wrong place.</summary>
    private static string Quote(string word) => WordLike().IsMatch(word) ? $"'{word}'" : "an argument";

    [GeneratedRegex("^[-/]{0,2}[A-Za-z0-9?][A-Za-z0-9_.?-]{0,39}$")]
    private static partial Regex WordLike();

    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1), Math.Min(previous[j], current[j - 1]) + 1);
            previous = current;
        }

        return previous[b.Length];
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
          Every key, its default and its rules: docs/configuration.md (on an instance:
          /usr/share/doc/encoder/docs/configuration.md). A bad, missing or unknown key stops the start with one line naming it.

        Exit codes: {ExitCodes.Clean} clean stop, everything stored; {ExitCodes.Failure} unexpected failure; {ExitCodes.ConfigurationError} bad configuration, nothing started;
          {ExitCodes.UploadsPending} the class is over and uploads are left after the drain (the local copy is the only one); {ExitCodes.TerminationFailed} self-termination failed;
          {ExitCodes.PowerOffRequested} self-termination failed and the fallback asks encoder.service to power off;
          {ExitCodes.AlreadyRunning} another daemon already records this session (its PID is named; nothing was touched).

        A SIGTERM (systemctl stop or restart, a reboot) pauses the class: the instance stays, the next start resumes it.
        To end a class early on purpose: sudo encoder end-class (same settings; the daemon ends it within a second, as at its end).
        To check a class before it starts: sudo encoder check (same settings; a table, or --json; exit 1 names what failed).
        One daemon per session: a second start while one records exits {ExitCodes.AlreadyRunning} at once.

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

    /// <summary>A verb that runs with the daemon's configuration: Program reads it from the parse instead of invoking it.</summary>
    private sealed class VerbAction(DaemonVerb verb) : SynchronousCommandLineAction
    {
        public DaemonVerb Verb { get; } = verb;

        public override int Invoke(ParseResult parseResult) => throw new InvalidOperationException($"{Verb} runs in Program, with the host's configuration");
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
