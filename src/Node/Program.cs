using SmartLoudspeaker.Node;
using SmartLoudspeaker.Node.Configuration;

// appsettings.json sits beside the binaries, whatever directory the node is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.Configuration.AddNodeSiteFile();
builder.Services.AddSystemd();
builder.Services.AddSmartLoudspeakerNode(builder.Configuration);
using var host = builder.Build();

// Settings are checked before the host starts, so an invalid one ends the node with one line naming it.
var invalid = SettingsCheck.FindInvalidSettings(host.Services, builder.Configuration);
if (invalid.Count > 0)
{
    foreach (var line in invalid)
    {
        await Console.Error.WriteLineAsync(line);
    }

    return NodeExitCodes.InvalidSetting;
}

await host.RunAsync();
return 0;
