namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Output relays as last driven; null means not fitted or not yet reported.</summary>
public sealed record RelayHealth
{
    /// <summary>Amplifier mains/DC relay.</summary>
    public bool? Amplifier { get; init; }

    /// <summary>Speaker-line relay.</summary>
    public bool? SpeakerLine { get; init; }

    /// <summary>Public Wi-Fi access point power relay.</summary>
    public bool? AccessPoint { get; init; }
}
