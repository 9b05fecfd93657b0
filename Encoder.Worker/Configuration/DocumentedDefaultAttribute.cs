namespace Encoder.Configuration;

/// <summary>
/// docs/configuration.md's default for a setting whose initializer does not say it: a required value (<c>*required*</c>), or one
/// worked out at start (<c>{Recording}/{SessionId}/logs</c>). Markdown, as the table shows it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DocumentedDefaultAttribute(string markdown) : Attribute
{
    public string Markdown { get; } = markdown;
}
