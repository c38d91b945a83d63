namespace SmartLoudspeaker.Protocol.Tests.Page;

/// <summary>A fenced block of docs/protocol.md and the announcement before it.</summary>
/// <param name="Line">1-based line of the opening fence, for messages.</param>
/// <param name="Language">The fence's language ("json", "text", or empty).</param>
/// <param name="Content">The lines between the fences.</param>
/// <param name="What">The announced message type (or "root public key"); null when the block is not announced.</param>
/// <param name="Size">The announced size in bytes.</param>
/// <param name="SignedBy">
/// "root", a key id, <see cref="SignedBySelf"/> (an enrolment request, signed by the key it carries),
/// <see cref="SignedByNodePrefix"/> and a node id (signed by the key that node's enrolment request example carries), or
/// null for an unsigned message.
/// </param>
internal sealed record PageExample(int Line, string Language, IReadOnlyList<string> Content, string? What, int? Size, string? SignedBy)
{
    /// <summary><see cref="SignedBy"/> of a message signed by the public key it carries.</summary>
    public const string SignedBySelf = "self";

    /// <summary><see cref="SignedBy"/> prefix of a message signed by a node's own key.</summary>
    public const string SignedByNodePrefix = "node:";

    /// <summary>The payload the block shows: lines joined with the indentation of continuation lines removed.</summary>
    public string CompactJson => string.Concat(Content.Select(line => line.TrimStart()));

    /// <summary>Where it is, for a failure message.</summary>
    public override string ToString() => $"docs/protocol.md line {Line} ({What ?? "not announced"})";
}
