namespace SmartLoudspeaker.Protocol;

/// <summary>A JSON message on the wire: it carries its schema version and can say what is wrong with it.</summary>
public interface IWireMessage
{
    /// <summary>Schema version of this payload (<c>"v"</c> on the wire).</summary>
    int V { get; }

    /// <summary>The first semantic problem found (a field out of range, an id of the wrong shape), or null.</summary>
    string? FindProblem();
}
