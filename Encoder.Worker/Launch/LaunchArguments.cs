using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;
using Encoder.Configuration;
using Microsoft.Extensions.Configuration;

using static Encoder.Launch.LaunchFormats;

namespace Encoder.Launch;

/// <summary>What <c>encoder launch</c> was asked: a request, help, or the problems (one line each, naming the option).</summary>
/// <param name="Warnings">What the launcher says but does not refuse (a secret on the command line).</param>
public sealed record LaunchParse(LaunchRequest? Request, IReadOnlyList<string> Errors, bool Help = false, IReadOnlyList<string>? Warnings = null);

/// <summary>Parses and validates <c>encoder launch</c>'s arguments. Class settings are checked by the daemon's own rules.</summary>
public static partial class LaunchArguments
{
    /// <param name="secretInputs">Where secrets may come from besides the command line (<see cref="SecretSources"/>); none by default.</param>
    public static LaunchParse Parse(IReadOnlyList<string> args, DateTimeOffset now, SecretInputs? secretInputs = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        secretInputs ??= SecretInputs.None;
        var result = EncoderCommandLine.Launch.Parse(args, EncoderCommandLine.Parsing);
        if (result.Action is not null and not ParseErrorAction)
            return new LaunchParse(null, [], Help: true);

        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var option in LaunchOption.All)
        {
            if (result.GetResult(option.Option) is not { Implicit: false } given)
                continue;
            if (!option.IsSwitch && given.Tokens.Count < given.IdentifierTokenCount)
                errors.Add($"{option.Flag}: needs a value ({option.Value})");
            else if (given.IdentifierTokenCount > 1 && !option.Repeatable)
                errors.Add($"{option.Flag}: given more than once");
            else
                values[option.Flag] = [.. given.Tokens.Select(t => t.Value)];
        }

        errors.AddRange(Unmatched(args, result));
        if (errors.Count == 0 && result.Errors.Count > 0)
            errors.Add("the arguments cannot be read (see encoder launch --help)"); // System.CommandLine's own messages may quote a value
        var warnings = errors.Count > 0 ? [] : TakeSecrets(values, secretInputs, errors);
        if (errors.Count > 0)
            return new LaunchParse(null, errors);
        var validated = Validate(values, now);
        return validated with { Warnings = [.. warnings, .. validated.Warnings ?? []] };
    }

    /// <summary>Puts each secret, from wherever <see cref="SecretSources.Choose"/> takes it, in <paramref name="values"/> under its option; returns the WARNs.</summary>
    private static List<string> TakeSecrets(Dictionary<string, List<string>> values, SecretInputs inputs, List<string> errors)
    {
        IReadOnlyDictionary<string, string> file = new Dictionary<string, string>();
        if (values.TryGetValue(LaunchOption.SecretsFile, out var path))
        {
            try
            {
                var (parsed, problems) = SecretSources.ParseFile(inputs.ReadFile(path[0]));
                file = parsed;
                errors.AddRange(problems);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{LaunchOption.SecretsFile}: cannot be read ({ex.GetType().Name})");
            }
        }

        var warnings = new List<string>();
        foreach (var secret in LaunchSecret.All)
        {
            var choice = SecretSources.Choose(values.GetValueOrDefault(secret.Flag)?[0], file.GetValueOrDefault(secret.FileName), inputs.Environment(secret.EnvironmentVariable));
            if (SecretSources.Warning(secret, choice) is { } warning)
                warnings.Add(warning);
            if (choice is not null)
                values[secret.Flag] = [choice.Value];
        }

        return warnings;
    }

    /// <summary>
    /// One line per argument that no option took, never quoting it: a misplaced argument may be a URL with a password.
    /// Arguments map one to one to tokens, except <c>--option=value</c> (or <c>:value</c>), which is split in two.
    /// </summary>
    private static IEnumerable<string> Unmatched(IReadOnlyList<string> args, ParseResult result)
    {
        var taken = result.CommandResult.Children.OfType<OptionResult>().SelectMany(o => o.Tokens).ToHashSet(ReferenceEqualityComparer.Instance);
        var tokens = result.Tokens;
        for (int i = 0, t = 0; i < args.Count && t < tokens.Count; i++, t++)
        {
            var split = tokens[t].Value != args[i];
            if (split && ++t == tokens.Count)
                yield break;
            if (tokens[t].Type != TokenType.Argument || taken.Contains(tokens[t]))
                continue;
            if (split)
                yield return $"{tokens[t - 1].Value}: takes no value";
            else if (args[i].StartsWith('-'))
                yield return $"{args[i].Split('=', ':')[0]}: unknown option (see encoder launch --help)";
            else
                yield return $"argument {i + 1}: expected an option such as {LaunchOption.SessionId} (see encoder launch --help)";
        }
    }

    private static LaunchParse Validate(Dictionary<string, List<string>> values, DateTimeOffset now)
    {
        string? One(string flag) => values.TryGetValue(flag, out var list) ? list[0] : null;
        IReadOnlyList<string> Many(string flag) => values.TryGetValue(flag, out var list) ? list : [];
        var errors = new List<string>();
        var dryRun = values.ContainsKey(LaunchOption.DryRun);

        var settings = LaunchClassSettings.From(values, errors);
        var configuration = EncoderConfiguration.Load(new ConfigurationBuilder().AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create(kv.Key, (string?)kv.Value))).Build(), now);
        errors.AddRange(configuration.Errors.Select(NameTheOption));
        var endsAt = configuration.Options.Session.EndsAt;
        if (One(LaunchOption.EndsAt) is null)
            errors.Add($"{LaunchOption.EndsAt}: is required (the class's end, e.g. 2026-11-23T19:00:00Z)");

        var hardLimit = HardStop.DefaultLimit;
        if (One(LaunchOption.HardLimit) is { } limitText)
        {
            if (!TimeSpan.TryParseExact(limitText, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out hardLimit))
                errors.Add($"{LaunchOption.HardLimit}: must be a duration hh:mm:ss");
            else if (configuration.IsValid && hardLimit < configuration.Options.ShutdownTimeout)
                errors.Add($"{LaunchOption.HardLimit}: must be at least Encoder:ShutdownTimeout ({configuration.Options.ShutdownTimeout:c}), so a normal stop fits");
        }

        if (endsAt is { } end && end + hardLimit > now + HardStop.MaxUptime)
            errors.Add($"{LaunchOption.EndsAt}: the class's end plus {LaunchOption.HardLimit} must fall within {HardStop.MaxUptime.TotalHours:0} h of the launch (the AMI's uptime cap)");

        var mode = configuration.Options.Video.Mode;
        var toHardStop = endsAt is { } classEnd ? classEnd + hardLimit - now : TimeSpan.Zero;
        var mbps = RootVolume.Mbps(configuration.Options);
        var warnings = new List<string>();
        var givenType = Check(One(LaunchOption.InstanceType), LaunchOption.InstanceType, InstanceType(), "c5d.2xlarge", required: false, errors);
        if (givenType is not null && SizingWarning(givenType, mode, toHardStop, mbps) is { } sizing)
            warnings.Add(sizing);
        // Placeholder until the AMIs are known (below): the operator's type, or the x86-64 pick.
        IReadOnlyList<string> types = givenType is not null ? [givenType] : [InstanceSizing.Candidates[0].InstanceType];
        var armAmi = Check(One(LaunchOption.AmiArm64), LaunchOption.AmiArm64, AmiId(), "ami-0123456789abcdef0", required: false, errors);
        var instance = new InstanceSpec(
            Check(One(LaunchOption.Ami), LaunchOption.Ami, AmiId(), "ami-0123456789abcdef0", required: !dryRun && armAmi is null, errors),
            types,
            Check(One(LaunchOption.InstanceProfile), LaunchOption.InstanceProfile, InstanceProfile(), "encoder-class or arn:aws:iam::123456789012:instance-profile/encoder-class", required: !dryRun, errors),
            [.. Many(LaunchOption.SubnetId).Select(subnet => Check(subnet, LaunchOption.SubnetId, SubnetId(), "subnet-0123abcd", required: false, errors)!).Distinct()],
            [.. Many(LaunchOption.SecurityGroupId).Select(sg => Check(sg, LaunchOption.SecurityGroupId, SecurityGroupId(), "sg-0123abcd", required: false, errors)!)],
            Check(One(LaunchOption.KeyName), LaunchOption.KeyName, KeyName(), "my-key", required: false, errors),
            Check(One(LaunchOption.Region), LaunchOption.Region, Region(), "eu-west-1", required: false, errors))
        {
            Arm64ImageId = armAmi,
        };
        if (givenType is null)
        {
            types = [.. InstanceSizing.Choices(mode, toHardStop, mbps, instance.Architectures).Select(c => c.InstanceType)];
            if (types.Count == 0)
                errors.Add($"{LaunchOption.InstanceType}: no type in the launcher's table carries this class; name one");
            else
                instance = instance with { InstanceTypes = types };
        }
        else if (instance.ImageFor(InstanceSizing.ArchitectureOf(givenType)) is null && !(dryRun && instance.ImageId is null && armAmi is null))
        {
            var needs = InstanceSizing.ArchitectureOf(givenType) == InstanceSizing.Arm64 ? LaunchOption.AmiArm64 : LaunchOption.Ami;
            errors.Add($"{LaunchOption.InstanceType}: {givenType} is {InstanceSizing.ArchitectureOf(givenType)}: it needs {needs}");
        }

        if (errors.Count > 0 || endsAt is null)
            return new LaunchParse(null, errors);
        // The class's configuration holds references; the values go to SSM (LaunchCommand), never into the user-data.
        var secrets = LaunchSecret.All
            .Select(s => (Secret: s, Key: LaunchOption.All.Single(o => o.Flag == s.Flag).ConfigKey!))
            .Where(s => settings.ContainsKey(s.Key))
            .Select(s => new ClassSecret(s.Key, ClassSecrets.ParameterName(configuration.Options.SessionId, s.Secret), settings[s.Key]))
            .ToList();
        foreach (var secret in secrets)
            settings[secret.ConfigKey] = secret.Reference;
        var request = new LaunchRequest(settings, configuration.Options.SessionId, endsAt.Value, endsAt.Value + hardLimit, instance, dryRun, RootVolume.Mbps(configuration.Options))
        {
            Secrets = secrets,
        };
        return new LaunchParse(request, [], Warnings: warnings);
    }

    /// <summary>The WARN for an operator's <c>--instance-type</c> that the table says cannot carry the class, or does not know; null when it can.</summary>
    private static string? SizingWarning(string instanceType, VideoMode mode, TimeSpan toHardStop, double mbps)
    {
        var modeName = mode.ToString().ToLowerInvariant();
        if (InstanceSizing.Find(instanceType) is not { } row)
            return $"WARN: {LaunchOption.InstanceType} {instanceType} is not in the launcher's table (Launch/InstanceSizing.cs): whether it carries a class in {modeName} mode is unknown; launching it as asked";
        return InstanceSizing.Shortfall(row, InstanceSizing.Need(mode, toHardStop, mbps)) is { } shortfall
            ? $"WARN: {LaunchOption.InstanceType} {instanceType} cannot carry a class in {modeName} mode by the launcher's table: {shortfall}; launching it as asked"
            : null;
    }

    /// <summary>
    /// "Encoder:Camera:Url: must be ..." becomes "--camera-url: must be ..." for keys that have their own option, and
    /// the binder's "(got 'value')" is dropped: the value may be a misplaced URL with a password.
    /// </summary>
    private static string NameTheOption(string error)
    {
        error = QuotedValue().Replace(error, "");
        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && LaunchOption.ForKey(error[..colon]) is { } option ? option.Flag + error[colon..] : error;
    }

    [GeneratedRegex(@" \(got '.*'\)", RegexOptions.Singleline)]
    private static partial Regex QuotedValue();
}
