using System.Text.RegularExpressions;

namespace Encoder.Launch;

/// <summary>What each of <c>encoder launch</c>'s AWS identifiers must look like, and the one check that says so naming the option.</summary>
internal static partial class LaunchFormats
{
    internal static string? Check(string? value, string flag, Regex pattern, string example, bool required, List<string> errors)
    {
        if (value is null)
        {
            if (required)
                errors.Add($"{flag}: is required (e.g. {example})");
            return null;
        }

        if (!pattern.IsMatch(value))
            errors.Add($"{flag}: must look like {example}");
        return value;
    }

    [GeneratedRegex("^ami-([0-9a-f]{8}|[0-9a-f]{17})$")]
    internal static partial Regex AmiId();

    [GeneratedRegex(@"^[a-z][a-z0-9-]*\.[a-z0-9]+$")]
    internal static partial Regex InstanceType();

    [GeneratedRegex(@"^([\w+=,.@-]{1,128}|arn:aws[a-z-]*:iam::[0-9]{12}:instance-profile/[\w+=,.@/-]{1,128})$")]
    internal static partial Regex InstanceProfile();

    [GeneratedRegex("^subnet-[0-9a-f]{8,17}$")]
    internal static partial Regex SubnetId();

    [GeneratedRegex("^sg-[0-9a-f]{8,17}$")]
    internal static partial Regex SecurityGroupId();

    [GeneratedRegex(@"^[\x20-\x7e]{1,255}$")]
    internal static partial Regex KeyName();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]$")]
    internal static partial Regex Region();
}
