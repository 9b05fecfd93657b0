using System.Text.Json;

namespace Encoder.Tests.Infrastructure;

/// <summary>Reads the daemon's status JSON (Encoder:Status:Path) the way an operator's tooling would.</summary>
internal sealed class StatusFile(string path)
{
    public JsonElement? Read()
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    public string? IngestState(string slot) =>
        Read() is { } root && root.GetProperty("ingest").TryGetProperty(slot, out var s) ? s.GetProperty("state").GetString() : null;

    public string? ActiveSlot() => Read() is { } root && root.TryGetProperty("activeSlot", out var a) ? a.GetString() : null;

    public int Number(string property) => Read() is { } root ? root.GetProperty(property).GetInt32() : -1;

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out after {timeout} waiting until {what}");
            await Task.Delay(100);
        }
    }
}
