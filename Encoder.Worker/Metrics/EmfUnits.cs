namespace Encoder.Metrics;

/// <summary>CloudWatch's unit for an instrument's UCUM unit (what <c>System.Diagnostics.Metrics</c> and OpenTelemetry use).</summary>
public static class EmfUnits
{
    public static string For(string? ucum) => ucum switch
    {
        "s" => "Seconds",
        "ms" => "Milliseconds",
        "%" => "Percent",
        "By" => "Bytes",
        "kbit/s" => "Kilobits/Second",
        "1" or null or "" => "None",
        ['{', .., '}', '/', 's'] => "Count/Second",
        ['{', .., '}'] => "Count",
        _ => "None",
    };
}
