using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// Identity rotation end to end (issue 10): the Controller with its embedded broker and demo keys, the Node executable
/// as a process pinning their root. A technician's "rotate key" on the API reaches the node signed; the node answers
/// with its old key naming the new one, enrols the new key and is approved at once, answers commands signed by the
/// new key, and its old broker password is refused from then on.
/// </summary>
[Trait("Category", "Security")]
public sealed class IdentityRotationProcessTests : IDisposable
{
    private const string NodeId = "loa-doi-khoa";

    /// <summary>An upper bound for a busy 2-core machine; each wait ends as soon as what it waits for happens.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private readonly string folder = Directory.CreateTempSubdirectory("sl-e2e-rotation-").FullName;

    [Fact]
    public async Task A_rotated_node_process_reconnects_with_its_new_key_and_its_old_broker_password_is_refused()
    {
        var controllerData = Path.Combine(folder, "controller");
        using var controller = ControllerUnderTest.WithEmbeddedBroker(controllerData, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" });
        using var http = controller.CreateClient();
        var nodeData = Path.Combine(folder, "node");
        await using var node = NodeProgram.Start(
            Path.Combine(folder, "no-site-file.json"),
            new Dictionary<string, string>
            {
                ["Node__NodeId"] = NodeId,
                ["Node__Zones__0"] = "thon-1",
                ["Node__Brokers__0__Host"] = "127.0.0.1",
                ["Node__Brokers__0__Port"] = controller.MqttPort.ToString(CultureInfo.InvariantCulture),
                ["Node__DataDirectory"] = nodeData,
                ["Node__Security__RootPublicKeyFile"] = Path.Combine(controllerData, "keys", "root.pub"),
            });
        await node.WaitForBirthAsync(NodeId, Generous);
        await Eventually.TrueAsync(
            async () => (await http.GetAsync(new Uri($"/api/nodes/{NodeId}", UriKind.Relative))).StatusCode == HttpStatusCode.OK, Generous, "the Controller knows the node");
        var oldFingerprint = (await IdentityAsync(http)).GetProperty("fingerprint").GetString();
        var oldPassword = (await File.ReadAllLinesAsync(Path.Combine(nodeData, "broker-password")))[0];

        using (var rotate = await http.PostAsync(new Uri($"/api/identities/{NodeId}/rotate", UriKind.Relative), null))
        {
            Assert.True(rotate.StatusCode == HttpStatusCode.Accepted, await rotate.Content.ReadAsStringAsync());
        }

        var rotatedLine = await node.WaitForLineAsync($"Node {NodeId}: identity rotated by command", Generous);
        var newFingerprint = rotatedLine[(rotatedLine.IndexOf("new key fingerprint ", StringComparison.Ordinal) + "new key fingerprint ".Length)..][..39];
        Assert.NotEqual(oldFingerprint, newFingerprint);
        await Eventually.TrueAsync(
            async () => await IdentityAsync(http) is var identity
                && identity.GetProperty("fingerprint").GetString() == newFingerprint
                && identity.GetProperty("rotation").ValueKind == JsonValueKind.Null
                && identity.GetProperty("rotatedAt").ValueKind == JsonValueKind.String,
            Generous,
            "the identity shows the new key, approved without a technician");
        Assert.Empty((await http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());

        // Back on the broker as itself: a command is answered, and the answer counts only if the new key signed it.
        using var identify = await http.PostAsJsonAsync($"/api/nodes/{NodeId}/commands", new { type = "identify" });
        Assert.Equal(HttpStatusCode.Accepted, identify.StatusCode);
        var commandId = (await identify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetString();
        await Eventually.TrueAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>($"/api/commands/{commandId}")).GetProperty("outcomes")[0].GetProperty("status").GetString() == "done",
            Generous,
            "the rotated node answers commands with its new key");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => MqttProbe.ConnectAsAsync(controller.MqttPort, NodeId, oldPassword, NodeId));
        Assert.Contains("BadUserNameOrPassword", refused.Message, StringComparison.Ordinal);
        var events = (await http.GetFromJsonAsync<JsonElement>($"/api/nodes/{NodeId}")).GetProperty("events").EnumerateArray();
        Assert.Contains(events, entry => entry.GetProperty("kind").GetString() == "identity.rotated"
            && entry.GetProperty("text").GetString()!.Contains($"{oldFingerprint} → {newFingerprint}", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private static async Task<JsonElement> IdentityAsync(HttpClient http) =>
        await http.GetFromJsonAsync<JsonElement>($"/api/identities/{NodeId}");
}
