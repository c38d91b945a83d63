namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary><c>GET /api/nodes/{id}/events?after=&amp;limit=</c>: one page of a node's events in storing order.</summary>
public sealed record NodeEventPage
{
    /// <summary>The events, oldest first.</summary>
    public required IReadOnlyList<NodeEventEntry> Items { get; init; }

    /// <summary>The <c>after</c> to ask for the next page; null when this page was the last.</summary>
    public long? Next { get; init; }
}
