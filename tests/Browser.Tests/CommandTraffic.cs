using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// What a test does beside the browser: issue commands through the REST API, and read a node's command and ack topics
/// with an eavesdropping MQTT client, as someone with broker access would.
/// </summary>
internal static class CommandTraffic
{
    public static string CommandTopic(string nodeId) => Topics.ForNode(nodeId, NodeMessageKind.Command);

    public static string AckTopic(string nodeId) => Topics.ForNode(nodeId, NodeMessageKind.CommandAck);

    public static async Task<string> IssueAsync(HttpClient http, string nodeId, string type)
    {
        using var response = await http.PostAsJsonAsync($"/api/nodes/{nodeId}/commands", new { type });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetString()!;
    }

    /// <summary>The command id inside a captured envelope's signed first line.</summary>
    public static string CommandIdOf(byte[] envelope)
    {
        var firstLine = envelope.AsSpan(0, Array.IndexOf(envelope, (byte)'\n'));
        using var signed = JsonDocument.Parse(firstLine.ToArray());
        return signed.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The <paramref name="occurrence"/>-th (1-based) ack of <paramref name="commandId"/> on the probe, as (status, reason, ts).</summary>
    public static async Task<(string Status, string? Reason, string Ts)> AckAsync(MqttProbe probe, string nodeId, string commandId, int occurrence = 1)
    {
        var seen = 0;
        var message = await probe.WaitForAsync(
            received => received.Topic == AckTopic(nodeId) && IdOf(received) == commandId && ++seen >= occurrence,
            Eventually.Timeout);
        using var ack = JsonDocument.Parse(SignedPart(message.Payload));
        var root = ack.RootElement;
        return (root.GetProperty("status").GetString()!, root.TryGetProperty("reason", out var reason) ? reason.GetString() : null, root.GetProperty("ts").GetString()!);
    }

    private static string? IdOf(ReceivedMessage message)
    {
        try
        {
            using var ack = JsonDocument.Parse(SignedPart(message.Payload));
            return ack.RootElement.GetProperty("id").GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON a node signed: acks travel as <c>{json}\n{signature}</c>; anything else is returned whole.</summary>
    private static byte[] SignedPart(byte[] payload)
    {
        var newline = Array.IndexOf(payload, (byte)'\n');
        return newline < 0 ? payload : payload[..newline];
    }
}
