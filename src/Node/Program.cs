using SmartLoudspeaker.Node;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Identity;

// "SmartLoudspeaker.Node fingerprint" prints the node's key fingerprint (making the key at first use, as a start
// would) for a technician at the cabinet to compare with the enrolment request on the Controller's page.
var printFingerprint = args.Length > 0 && args[0] == "fingerprint";

// appsettings.json sits beside the binaries, whatever directory the node is started from.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = printFingerprint ? args[1..] : args,
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

// The node's own identity is read before the host starts too: a damaged key file ends it with one line naming the file.
var identity = IdentityCheck.Run(builder.Configuration, printFingerprint);
if (identity != 0 || printFingerprint)
{
    return identity;
}

await host.RunAsync();
return 0;
