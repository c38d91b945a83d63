using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace SmartLoudspeaker.Node.Tests;

public sealed class SiteConfigurationTests : IDisposable
{
    private readonly string siteFile = Path.Combine(Path.GetTempPath(), $"node-site-{Guid.NewGuid():N}.json");

    [Fact]
    public void The_site_file_overrides_appsettings_but_not_the_command_line()
    {
        File.WriteAllText(siteFile, """{"Node":{"NodeId":"thon-3","Heartbeat":"00:01:00"}}""");
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Node:NodeId"] = "from-appsettings", ["Node:Heartbeat"] = "00:00:30" });
        configuration.AddEnvironmentVariables("SL_TEST_UNUSED_");
        configuration.AddCommandLine(["--Node:Heartbeat=00:02:00"]);

        configuration.AddNodeSiteFile(siteFile);

        Assert.Equal("thon-3", configuration["Node:NodeId"]);
        Assert.Equal("00:02:00", configuration["Node:Heartbeat"]);
    }

    [Fact]
    public void In_the_generic_host_the_site_file_overrides_appsettings_json_but_not_the_command_line()
    {
        // The host reads its DOTNET_-prefixed environment before appsettings.json: the site file must go after both.
        var contentRoot = Directory.CreateTempSubdirectory("node-site-root-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(contentRoot, "appsettings.json"), """{"Node":{"NodeId":"node-01","Heartbeat":"00:00:30"}}""");
            File.WriteAllText(siteFile, """{"Node":{"NodeId":"thon-3","Heartbeat":"00:01:00"}}""");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = ["--Node:Heartbeat=00:02:00"], ContentRootPath = contentRoot });

            builder.Configuration.AddNodeSiteFile(siteFile);

            Assert.Equal("thon-3", builder.Configuration["Node:NodeId"]);
            Assert.Equal("00:02:00", builder.Configuration["Node:Heartbeat"]);
        }
        finally
        {
            Directory.Delete(contentRoot, recursive: true);
        }
    }

    [Fact]
    public void A_missing_site_file_changes_nothing()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Node:NodeId"] = "thon-1" });

        configuration.AddNodeSiteFile(siteFile);

        Assert.Equal("thon-1", configuration["Node:NodeId"]);
    }

    public void Dispose() => File.Delete(siteFile);
}
