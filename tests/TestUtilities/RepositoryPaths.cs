namespace SmartLoudspeaker.TestUtilities;

/// <summary>Where the built programs are, found from the running test assembly.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding SmartLoudspeaker.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the configuration the tests themselves were built in.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";

    /// <summary>The built main assembly of a program under src/, e.g. ("Controller", "SmartLoudspeaker.Controller").</summary>
    public static string ProgramAssembly(string project, string assemblyName)
    {
        var path = Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: build the solution in {Configuration} first.", path);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SmartLoudspeaker.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("SmartLoudspeaker.sln not found above the test folder.");
    }
}
