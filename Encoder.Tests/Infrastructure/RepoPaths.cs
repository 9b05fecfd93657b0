namespace Encoder.Tests.Infrastructure;

internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Dev(string name) => Path.Combine(Root, "dev", name);

    /// <summary>The daemon as built beside the tests (the test project references it).</summary>
    public static string EncoderDll => Path.Combine(AppContext.BaseDirectory, "encoder.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "encoder.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("encoder.sln not found above " + AppContext.BaseDirectory);
    }
}
