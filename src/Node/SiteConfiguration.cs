using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace SmartLoudspeaker.Node;

/// <summary>
/// The installed node's own settings file (node id, zones, broker addresses). It lives outside the install
/// folder, so replacing the binaries on an upgrade never touches it.
/// </summary>
public static class SiteConfiguration
{
    /// <summary>Environment variable that names another settings file (tests, a second node on one machine).</summary>
    public const string PathVariable = "SMARTLOUDSPEAKER_NODE_CONFIG";

    /// <summary>Where the file is on an installed Pi.</summary>
    public const string DefaultPath = "/etc/smartloudspeaker/node.json";

    /// <summary>
    /// Adds the site file (when it exists) after appsettings.json but before environment variables and the
    /// command line, so those still override it.
    /// </summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <param name="path">The site file; by default the one <see cref="PathVariable"/> names, else <see cref="DefaultPath"/>.</param>
    public static IConfigurationManager AddNodeSiteFile(this IConfigurationManager configuration, string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable(PathVariable) ?? DefaultPath;
        var site = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build();
        // The last environment source: a host's first one is its DOTNET_-prefixed host settings, read before appsettings.json.
        var firstOverride = configuration.Sources.ToList().FindLastIndex(source => source is EnvironmentVariablesConfigurationSource);
        configuration.Sources.Insert(
            firstOverride < 0 ? configuration.Sources.Count : firstOverride,
            new ChainedConfigurationSource { Configuration = site, ShouldDisposeConfiguration = true });
        return configuration;
    }
}
