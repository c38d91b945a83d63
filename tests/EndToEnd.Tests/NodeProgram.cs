using System.Globalization;
using System.Text.RegularExpressions;
using SmartLoudspeaker.Node;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The built Node executable run as a real process, configured as a technician configures it: a site file (the
/// installed node's <c>/etc/smartloudspeaker/node.json</c>) and <c>Node__…</c> environment variables, as the systemd
/// unit sets them, in the Production environment the unit runs it in.
/// </summary>
internal static class NodeProgram
{
    /// <summary>
    /// Starts the node with <paramref name="siteFile"/> as its site file (it need not exist: then only
    /// <paramref name="environment"/> and appsettings.json configure it). Always naming one keeps a node.json that
    /// happens to be installed on the test machine out of the test.
    /// </summary>
    public static ProgramProcess Start(string siteFile, IDictionary<string, string>? environment = null) =>
        ProgramProcess.Start(
            RepositoryPaths.ProgramAssembly("Node", "SmartLoudspeaker.Node"),
            [],
            new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
            {
                [SiteConfiguration.PathVariable] = siteFile,
                ["DOTNET_ENVIRONMENT"] = "Production",
            });

    /// <summary>
    /// Waits until the process says node <paramref name="nodeId"/> has published its birth (logged at Information by
    /// the shipped appsettings.json) and returns the bdSeq of that session; fails if the process exits first.
    /// </summary>
    public static async Task<int> WaitForBirthAsync(this ProgramProcess node, string nodeId, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(node);
        string line;
        try
        {
            line = await node.WaitForLineAsync($"Node {nodeId}: birth published (bdSeq ", timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Node {nodeId} was not born within {timeout}; the process said:{Environment.NewLine}{node.RecentOutput}");
        }

        var match = Regex.Match(line, @"\(bdSeq (\d+)\)", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"No bdSeq in the node's line: {line}");
    }
}
