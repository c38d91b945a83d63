using System.Diagnostics;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>How a test starts one of the built programs: <c>dotnet {assembly} {arguments}</c> from its own folder.</summary>
internal static class ProgramStart
{
    /// <summary>The start info with stdout and stderr redirected and <paramref name="environment"/> applied last.</summary>
    public static ProcessStartInfo For(string assembly, IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }
}
