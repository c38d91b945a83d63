using System.Globalization;
using System.Text.RegularExpressions;
using SmartLoudspeaker.Node;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The built Node executable run as a real process, configured as a technician configures it: a site file (the
/// installed node's <c>/etc/smartloudspeaker/node.json</c>) and <c>Node__…</c> environment variables, as the systemd
/// unit sets them, in the Production environment the unit runs it in.
/// </summary>
internal static class NodeProgram
{
    /// <summary>The environment variable a node's enrolment token comes in (<c>Node:Enrolment:Token</c>).</summary>
    public const string EnrolmentTokenVariable = "Node__Enrolment__Token";

    /// <summary>
    /// Starts the node with <paramref name="siteFile"/> as its site file (it need not exist: then only
    /// <paramref name="environment"/> and appsettings.json configure it). Always naming one keeps a node.json that
    /// happens to be installed on the test machine out of the test. Unless <paramref name="environment"/> names
    /// another, the node carries the test run's enrolment token (every test Controller knows it), so it enrols itself.
    /// </summary>
    public static ProgramProcess Start(string siteFile, IDictionary<string, string>? environment = null)
    {
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            [SiteConfiguration.PathVariable] = siteFile,
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        variables.TryAdd(EnrolmentTokenVariable, BootstrapToken.ForTests.Token);
        return ProgramProcess.Start(RepositoryPaths.ProgramAssembly("Node", "SmartLoudspeaker.Node"), [], variables);
    }

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
