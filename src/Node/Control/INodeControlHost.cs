using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Control;

/// <summary>What the control worker needs from the agent that owns the MQTT session.</summary>
internal interface INodeControlHost
{
    /// <summary>Publishes an acknowledgement on the current connection (QoS 1); false when there is none.</summary>
    Task<bool> PublishAckAsync(CommandAck ack, CancellationToken cancellationToken);

    /// <summary>Raises an event (kept in the outbox until acknowledged).</summary>
    Task RaiseEventAsync(string kind, EventSeverity severity, string? code, string? text);

    /// <summary>The node's identity and state, for "identify".</summary>
    NodeIdentity Describe(bool clockTrusted, long commandHighWater);

    /// <summary>Publishes a fresh birth and health on the current connection.</summary>
    void Rebirth();

    /// <summary>Reports health at <paramref name="interval"/> from now on (kept across restarts) and announces it in a new birth.</summary>
    void SetHeartbeat(TimeSpan interval);

    /// <summary>
    /// Makes and stores a new key and broker password for "rotate-identity" command <paramref name="commandId"/>; the
    /// node switches to them once that command's "done" has been published (signed with the old key), then leaves the
    /// broker and enrols again. Returns the new key's fingerprint, which that "done" carries.
    /// </summary>
    /// <exception cref="IOException">They cannot be stored; nothing changed.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder; nothing changed.</exception>
    string PrepareNewIdentity(string commandId);

    /// <summary>The operating system's clock state, as the health source reads it.</summary>
    ValueTask<ClockHealth?> ReadSystemClockAsync(CancellationToken cancellationToken);
}
