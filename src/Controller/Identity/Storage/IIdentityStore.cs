namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>
/// The identity feature's persistence. Writes complete after the store's durability point; each call is one unit
/// (an approval stores the identity and drops the request together, so a crash leaves one or the other, never half).
/// </summary>
internal interface IIdentityStore
{
    /// <summary>Every identity, enrolled or revoked.</summary>
    IReadOnlyList<NodeIdentityRecord> LoadIdentities();

    /// <summary>Every pending request.</summary>
    IReadOnlyList<PendingEnrolment> LoadPending();

    /// <summary>Every token.</summary>
    IReadOnlyList<EnrolmentTokenRecord> LoadTokens();

    /// <summary>Stores an identity, drops the node's pending request and, when given, stores the token it used.</summary>
    Task SaveIdentityAsync(NodeIdentityRecord identity, EnrolmentTokenRecord? usedToken = null);

    /// <summary>Forgets an identity and any pending request and rotation of the node (retired).</summary>
    Task RemoveIdentityAsync(string nodeId);

    /// <summary>Stores (replaces) a node's pending request.</summary>
    Task SavePendingAsync(PendingEnrolment pending);

    /// <summary>Drops a node's pending request (refused).</summary>
    Task RemovePendingAsync(string nodeId);

    /// <summary>Stores a token.</summary>
    Task SaveTokenAsync(EnrolmentTokenRecord token);

    /// <summary>Every rotation under way (or failed and not replaced).</summary>
    IReadOnlyList<IdentityRotation> LoadRotations();

    /// <summary>Stores (replaces) a node's rotation.</summary>
    Task SaveRotationAsync(IdentityRotation rotation);

    /// <summary>Forgets a node's rotation (its command could not be sent, the node was revoked, a technician chose its key).</summary>
    Task RemoveRotationAsync(string nodeId);

    /// <summary>Stores the identity with its new key, drops the node's pending request and its rotation, as one unit.</summary>
    Task SaveRotatedIdentityAsync(NodeIdentityRecord identity);
}
