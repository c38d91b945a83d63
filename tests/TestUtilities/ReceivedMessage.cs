namespace SmartLoudspeaker.TestUtilities;

/// <summary>One message an <see cref="MqttProbe"/> saw.</summary>
/// <param name="Topic">Topic it arrived on.</param>
/// <param name="Payload">Payload bytes.</param>
/// <param name="Retained">Whether it was delivered as a retained message.</param>
/// <param name="ReceivedAt">When the probe received it (real time).</param>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retained, DateTimeOffset ReceivedAt)
{
    /// <summary>The payload as UTF-8 text.</summary>
    public string Text => System.Text.Encoding.UTF8.GetString(Payload);
}
