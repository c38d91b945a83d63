using System.Globalization;
using System.Net;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// A <see cref="SecuredWorld"/> (Mosquitto, the Controller process with demo keys) and one Node process trusting its
/// root, configured by environment variables as the systemd unit sets them; shared by a test class whose tests each
/// issue commands of their own to it.
/// </summary>
public sealed class SecuredNodeProcess : IAsyncLifetime
{
    public const string NodeId = "loa-tien-trinh";

    /// <summary>An upper bound for a busy 2-core machine; each wait ends as soon as what it waits for happens.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    internal SecuredWorld World { get; private set; } = null!;

    internal ProgramProcess Node { get; private set; } = null!;

    internal string NodeData => Path.Combine(World.Data, "node-process");

    public async Task InitializeAsync()
    {
        World = await SecuredWorld.StartAsync();

        // README: copy root.pub to every node and name it in Node:Security:RootPublicKeyFile.
        Node = NodeProgram.Start(
            Path.Combine(World.Data, "no-site-file.json"),
            new Dictionary<string, string>
            {
                ["Node__NodeId"] = NodeId,
                ["Node__Zones__0"] = "thon-7",
                ["Node__Brokers__0__Host"] = "127.0.0.1",
                ["Node__Brokers__0__Port"] = World.Mosquitto.Port.ToString(CultureInfo.InvariantCulture),
                ["Node__DataDirectory"] = NodeData,
                ["Node__Security__RootPublicKeyFile"] = World.RootPublicKeyFile,
                [NodeProgram.EnrolmentTokenVariable] = SecuredWorld.Token.Token,
            });
        await Node.WaitForBirthAsync(NodeId, Generous);
        await Eventually.TrueAsync(
            async () => (await World.Http.GetAsync(new Uri($"/api/nodes/{NodeId}", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            Generous,
            "the Controller knows the node process");
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await World.DisposeAsync();
    }
}
