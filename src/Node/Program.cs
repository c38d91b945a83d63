using Microsoft.Extensions.Hosting;
using SmartLoudspeaker.Node;

// appsettings.json sits beside the binaries, whatever directory the node is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddNodeSiteFile();
builder.Services.AddSystemd();
builder.Services.AddSmartLoudspeakerNode(builder.Configuration);
await builder.Build().RunAsync();
