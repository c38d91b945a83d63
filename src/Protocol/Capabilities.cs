namespace SmartLoudspeaker.Protocol;

/// <summary>Names a node announces in <see cref="NodeBirth.Capabilities"/>; the Controller offers only what a node can do.</summary>
public static class Capabilities
{
    /// <summary>Publishes <see cref="NodeHealth"/>.</summary>
    public const string Health = "health";

    /// <summary>Publishes <see cref="NodeEvent"/> and keeps them until acknowledged.</summary>
    public const string Events = "events";

    /// <summary>Verifies and obeys signed commands (a root key is pinned).</summary>
    public const string Commands = "commands";

    /// <summary>Plays sound commands and live streams (it has an audio output and signed control).</summary>
    public const string Audio = "audio";
}
