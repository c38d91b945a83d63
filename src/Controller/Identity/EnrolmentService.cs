using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// Node identities and enrolment (docs/protocol.md, "Enrolment"): verifies requests, holds them for a technician or
/// approves them with a valid token, and keeps the broker's account directory equal to the enrolled identities.
/// Every change is stored (awaited to the durability point) before the directory or the node hears of it, one change
/// at a time; reads (ingest's checks, the API's lists) take the in-memory copy without waiting.
/// </summary>
internal sealed class EnrolmentService : IEnrolledNodes, IDisposable
{
    /// <summary>Who approved a node on the API, until the accounts issue gives technicians names.</summary>
    public const string Technician = "technician";

    private readonly IIdentityStore _store;
    private readonly BrokerAccountDirectory _directory;
    private readonly IMqttPublisher _publisher;
    private readonly FleetRegistry _fleet;
    private readonly EnrolmentOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EnrolmentService> _logger;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly ConcurrentDictionary<string, EnrolledKey> _identities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingEnrolment> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EnrolmentTokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly Lock _rateGate = new();
    private DateTimeOffset _rateWindow;
    private int _rateCount;

    public EnrolmentService(
        IIdentityStore store,
        BrokerAccountDirectory directory,
        IMqttPublisher publisher,
        FleetRegistry fleet,
        IOptions<EnrolmentOptions> options,
        TimeProvider timeProvider,
        ILogger<EnrolmentService> logger)
    {
        _store = store;
        _directory = directory;
        _publisher = publisher;
        _fleet = fleet;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;

        foreach (var identity in store.LoadIdentities())
        {
            if (EnrolledKey.From(identity) is { } entry)
            {
                _identities[identity.NodeId] = entry;
                if (identity.Status == IdentityStatus.Enrolled)
                {
                    _directory.Put(AccountOf(identity));
                }
            }
            else
            {
                _logger.LogWarning("Stored identity of node {NodeId} has an unreadable key; the node must enrol again", identity.NodeId);
            }
        }

        foreach (var pending in store.LoadPending())
        {
            _pending[pending.NodeId] = pending;
        }

        foreach (var token in store.LoadTokens())
        {
            _tokens[token.Id] = token;
        }

        Loaded = StoreBootstrapTokensAsync();
        _logger.LogInformation(
            "Identities loaded: {Enrolled} enrolled, {Revoked} revoked, {Pending} pending requests, {Tokens} tokens",
            _identities.Values.Count(entry => entry.Record.Status == IdentityStatus.Enrolled),
            _identities.Values.Count(entry => entry.Record.Status == IdentityStatus.Revoked),
            _pending.Count,
            _tokens.Count);
    }

    /// <summary>Completes when the configured bootstrap tokens are stored.</summary>
    public Task Loaded { get; }

    /// <summary>Every identity, enrolled or revoked, by node id.</summary>
    public IReadOnlyList<NodeIdentityRecord> Identities() =>
        [.. _identities.Values.Select(entry => entry.Record).OrderBy(record => record.NodeId, StringComparer.Ordinal)];

    /// <summary>One identity, or null.</summary>
    public NodeIdentityRecord? FindIdentity(string nodeId) => _identities.GetValueOrDefault(nodeId)?.Record;

    /// <summary>Pending requests, oldest first.</summary>
    public IReadOnlyList<PendingEnrolment> Pending() => [.. _pending.Values.OrderBy(pending => pending.ReceivedAt)];

    /// <summary>Tokens, newest first (with their secrets: callers must not show them).</summary>
    public IReadOnlyList<EnrolmentTokenRecord> Tokens() => [.. _tokens.Values.OrderByDescending(token => token.CreatedAt)];

    /// <inheritdoc />
    public bool IsEnrolled(string nodeId) => _identities.TryGetValue(nodeId, out var entry) && entry.Record.Status == IdentityStatus.Enrolled;

    /// <inheritdoc />
    public bool IsSignedBy(string nodeId, SignedPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return _identities.TryGetValue(nodeId, out var entry) && entry.Record.Status == IdentityStatus.Enrolled && entry.Verify(payload);
    }

    /// <summary>
    /// Handles a request received on <c>sl/v1/enrol/{topicNodeId}/request</c> (not retained; the caller checked).
    /// Refusals change nothing; an accepted request is stored as pending, or approved at once, before this returns.
    /// </summary>
    public async Task<IngestResult> ReceiveAsync(string topic, string topicNodeId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        if (!TakeRateSlot(now))
        {
            return Refused(topic, topicNodeId, IngestRefusals.EnrolmentRate, $"more than {_options.MaxRequestsPerMinute} requests this minute");
        }

        var parsed = SignedPayloadCodec.Parse<EnrolmentRequest>(payload);
        if (!parsed.Succeeded)
        {
            return Refused(topic, topicNodeId, IngestRefusals.For(parsed.Failure), parsed.Detail);
        }

        var (signed, request) = (parsed.Message!.Payload, parsed.Message.Message);
        if (request.NodeId != topicNodeId)
        {
            return Refused(topic, topicNodeId, IngestRefusals.NodeIdMismatch, $"payload nodeId '{request.NodeId}' is not the topic's '{topicNodeId}'");
        }

        using (var carried = EcdsaP256.ImportPublicKey(request.PublicKeyBytes()))
        {
            if (carried is null || !EcdsaP256.Verify(carried, signed.SignedBytes.Span, signed.Signature))
            {
                return Refused(topic, topicNodeId, IngestRefusals.BadSignature, "not signed by the key it carries");
            }
        }

        var fingerprint = KeyFingerprint.Of(request.PublicKeyBytes());
        EnrolmentState state;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var known = _identities.GetValueOrDefault(request.NodeId)?.Record;
            var token = request.TokenId is { } tokenId ? _tokens.GetValueOrDefault(tokenId) : null;
            var tokenProblem = request.TokenId is null ? null
                : token is null ? $"token '{request.TokenId}' is unknown"
                : !token.UsableAt(now) ? $"token '{token.Id}' is {(token.Revoked ? "revoked" : now >= token.Expires ? "expired" : "used up")}"
                : !EnrolmentTokenProof.Verify(Base64UrlDecode(token.Secret), request, request.TokenProof) ? $"the proof of token '{token.Id}' does not verify"
                : null;

            if (known is { Status: IdentityStatus.Enrolled } && known.PublicKey == request.PublicKey)
            {
                // The enrolled key asks again (its approval was lost, or it chose a new password): what it signs is the
                // node itself, so its new password hash is taken and its zones kept.
                var renewed = known with { PasswordHash = request.PasswordHash, Software = request.Software, Hardware = request.Hardware, ChangedAt = now };
                await _store.SaveIdentityAsync(renewed);
                Enrolled(renewed);
                state = EnrolmentState.Approved;
            }
            else if (known is null && request.TokenId is not null && tokenProblem is null)
            {
                var used = token! with { Uses = token.Uses + 1 };
                // A token's zones are those its nodes may have: a node asking for some of them gets those it asked
                // for (one token serves a whole commune's install), one asking for others gets the token's.
                var zones = request.Zones.All(token.Zones.Contains) ? request.Zones : token.Zones;
                var identity = IdentityOf(request, zones, now, "token:" + token.Id, "token:" + token.Id);
                await _store.SaveIdentityAsync(identity, used);
                _tokens[used.Id] = used;
                Enrolled(identity);
                _logger.LogInformation(
                    "Node {NodeId} enrolled by token {TokenId} (use {Uses} of {MaxUses}), key {Fingerprint}, zones {Zones}",
                    request.NodeId, used.Id, used.Uses, used.MaxUses, fingerprint, string.Join(",", identity.ApprovedZones));
                state = EnrolmentState.Approved;
            }
            else
            {
                if (!_pending.ContainsKey(request.NodeId) && _pending.Count >= _options.MaxPendingRequests)
                {
                    return Refused(topic, topicNodeId, IngestRefusals.EnrolmentPendingFull, $"{_pending.Count} requests already wait for a technician");
                }

                var reason = known is null ? HoldReason.New : known.Status == IdentityStatus.Revoked ? HoldReason.Revoked : HoldReason.KeyChanged;
                var pending = new PendingEnrolment(request.NodeId, now, request, reason, tokenProblem);
                await _store.SavePendingAsync(pending);
                _pending[request.NodeId] = pending;
                _logger.LogInformation(
                    "Enrolment request of node {NodeId} held for a technician ({Reason}{Note}), key {Fingerprint}",
                    request.NodeId, reason, tokenProblem is null ? string.Empty : "; " + tokenProblem, fingerprint);
                state = reason == HoldReason.Revoked ? EnrolmentState.Refused : EnrolmentState.Pending;
            }
        }
        finally
        {
            _changes.Release();
        }

        await PublishStatusAsync(request.NodeId, state, fingerprint, cancellationToken);
        return new IngestResult(topic, topicNodeId, null, null, null);
    }

    /// <summary>Approves a pending request with <paramref name="zones"/> (null: the zones it asked for).</summary>
    public async Task<IdentityOutcome> ApproveAsync(string nodeId, IReadOnlyList<string>? zones, string by, CancellationToken cancellationToken)
    {
        if (zones is not null && !ValidZones(zones))
        {
            return IdentityOutcome.BadZones;
        }

        NodeIdentityRecord identity;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_pending.TryGetValue(nodeId, out var pending))
            {
                return IdentityOutcome.NotFound;
            }

            identity = IdentityOf(pending.Request, zones ?? pending.Request.Zones, _timeProvider.GetUtcNow(), by, "approval");
            await _store.SaveIdentityAsync(identity);
            _pending.TryRemove(nodeId, out _);
            Enrolled(identity);
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation(
            "Node {NodeId} enrolled by {By}, key {Fingerprint}, zones {Zones}", nodeId, by, identity.Fingerprint, string.Join(",", identity.ApprovedZones));
        await PublishStatusAsync(nodeId, EnrolmentState.Approved, identity.Fingerprint, cancellationToken);
        return IdentityOutcome.Done;
    }

    /// <summary>Refuses a pending request: it is dropped and the node told.</summary>
    public async Task<IdentityOutcome> RefuseAsync(string nodeId, CancellationToken cancellationToken)
    {
        PendingEnrolment? pending;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_pending.TryGetValue(nodeId, out pending))
            {
                return IdentityOutcome.NotFound;
            }

            await _store.RemovePendingAsync(nodeId);
            _pending.TryRemove(nodeId, out _);
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Enrolment request of node {NodeId} refused", nodeId);
        await PublishStatusAsync(nodeId, EnrolmentState.Refused, KeyFingerprint.Of(pending.Request.PublicKeyBytes()), cancellationToken);
        return IdentityOutcome.Done;
    }

    /// <summary>Revokes an enrolled node: its broker account goes (the broker drops and refuses it), its signatures stop counting.</summary>
    public Task<IdentityOutcome> RevokeAsync(string nodeId, CancellationToken cancellationToken) =>
        ChangeAsync(
            nodeId,
            identity => identity.Status == IdentityStatus.Enrolled ? identity with { Status = IdentityStatus.Revoked, ChangedAt = _timeProvider.GetUtcNow() } : null,
            cancellationToken);

    /// <summary>Replaces an enrolled node's approved zones; its account is replaced, so the broker applies the new ones.</summary>
    public Task<IdentityOutcome> SetZonesAsync(string nodeId, IReadOnlyList<string> zones, CancellationToken cancellationToken) =>
        ValidZones(zones)
            ? ChangeAsync(
                nodeId,
                identity => identity.Status == IdentityStatus.Enrolled ? identity with { ApprovedZones = [.. zones], ChangedAt = _timeProvider.GetUtcNow() } : null,
                cancellationToken)
            : Task.FromResult(IdentityOutcome.BadZones);

    /// <summary>Retires a node: identity, pending request, broker account and fleet entry are all removed.</summary>
    public async Task<IdentityOutcome> RetireAsync(string nodeId, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_identities.ContainsKey(nodeId) && !_pending.ContainsKey(nodeId) && _fleet.Find(nodeId) is null)
            {
                return IdentityOutcome.NotFound;
            }

            await _store.RemoveIdentityAsync(nodeId);
            _identities.TryRemove(nodeId, out _);
            _pending.TryRemove(nodeId, out _);
            _directory.Remove(nodeId);
            await _fleet.Remove(nodeId);
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Node {NodeId} retired: identity, broker account and fleet entry removed", nodeId);
        return IdentityOutcome.Done;
    }

    /// <summary>Makes a token; the written token (with its secret) is returned here and never again.</summary>
    public async Task<(IdentityOutcome Outcome, string? Token, EnrolmentTokenRecord? Record)> CreateTokenAsync(
        IReadOnlyList<string> zones, DateTimeOffset expires, int maxUses, string by, CancellationToken cancellationToken)
    {
        if (!ValidZones(zones))
        {
            return (IdentityOutcome.BadZones, null, null);
        }

        var written = EnrolmentTokenProof.NewToken(out var tokenId);
        var record = TokenRecord(tokenId, written[(tokenId.Length + 1)..], expires, zones, maxUses, by);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            await _store.SaveTokenAsync(record);
            _tokens[record.Id] = record;
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Enrolment token {TokenId} made by {By}: zones {Zones}, {MaxUses} uses, expires {Expires:o}", tokenId, by, string.Join(",", zones), maxUses, expires);
        return (IdentityOutcome.Done, written, record);
    }

    /// <summary>Revokes a token: it approves nobody from now on.</summary>
    public async Task<IdentityOutcome> RevokeTokenAsync(string tokenId, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_tokens.TryGetValue(tokenId, out var token))
            {
                return IdentityOutcome.NotFound;
            }

            var revoked = token with { Revoked = true };
            await _store.SaveTokenAsync(revoked);
            _tokens[tokenId] = revoked;
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Enrolment token {TokenId} revoked", tokenId);
        return IdentityOutcome.Done;
    }

    public void Dispose() => _changes.Dispose();

    private async Task<IdentityOutcome> ChangeAsync(string nodeId, Func<NodeIdentityRecord, NodeIdentityRecord?> change, CancellationToken cancellationToken)
    {
        NodeIdentityRecord changed;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_identities.TryGetValue(nodeId, out var entry))
            {
                return IdentityOutcome.NotFound;
            }

            if (change(entry.Record) is not { } next)
            {
                return IdentityOutcome.Conflict;
            }

            changed = next;
            await _store.SaveIdentityAsync(changed);
            _identities[nodeId] = entry with { Record = changed };
            if (changed.Status == IdentityStatus.Enrolled)
            {
                _directory.Put(AccountOf(changed));
            }
            else
            {
                _directory.Remove(nodeId);
            }
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Node {NodeId} identity changed: {Status}, zones {Zones}", nodeId, changed.Status, string.Join(",", changed.ApprovedZones));
        return IdentityOutcome.Done;
    }

    private void Enrolled(NodeIdentityRecord identity)
    {
        _identities[identity.NodeId] = EnrolledKey.From(identity) ?? throw new InvalidOperationException("a verified request's key did not import");
        _directory.Put(AccountOf(identity));
    }

    private async Task StoreBootstrapTokensAsync()
    {
        foreach (var configured in _options.BootstrapTokens)
        {
            if (!EnrolmentTokenProof.TryParseToken(configured.Token, out var tokenId, out _))
            {
                continue;
            }

            var secret = configured.Token![(tokenId.Length + 1)..];
            var record = TokenRecord(tokenId, secret, configured.Expires!.Value, [.. configured.Zones], configured.MaxUses, "configuration");
            if (_tokens.TryGetValue(tokenId, out var stored) && stored.Secret == secret)
            {
                // Configuration may change the zones, expiry and uses; what was used so far stays counted.
                record = record with { Uses = stored.Uses, CreatedAt = stored.CreatedAt, Revoked = stored.Revoked };
            }

            // Records compare lists by reference: the zones are compared by content, so an unchanged token costs no write.
            if (stored is null || record with { Zones = stored.Zones } != stored || !record.Zones.SequenceEqual(stored.Zones, StringComparer.Ordinal))
            {
                await _store.SaveTokenAsync(record);
                _tokens[tokenId] = record;
            }
        }
    }

    private EnrolmentTokenRecord TokenRecord(string tokenId, string secret, DateTimeOffset expires, IReadOnlyList<string> zones, int maxUses, string by) =>
        new(tokenId, secret, Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret))), expires, [.. zones], maxUses, 0, _timeProvider.GetUtcNow(), by, false);

    private bool TakeRateSlot(DateTimeOffset now)
    {
        lock (_rateGate)
        {
            if (now - _rateWindow >= TimeSpan.FromMinutes(1) || now < _rateWindow)
            {
                _rateWindow = now;
                _rateCount = 0;
            }

            return ++_rateCount <= _options.MaxRequestsPerMinute;
        }
    }

    private async Task PublishStatusAsync(string nodeId, EnrolmentState state, string fingerprint, CancellationToken cancellationToken)
    {
        var status = WireCodec.Encode(new EnrolmentStatus { NodeId = nodeId, State = state, Fingerprint = fingerprint });
        if (!await _publisher.PublishAsync(Topics.ForEnrolmentStatus(nodeId), status, atLeastOnce: true, retain: false, cancellationToken))
        {
            // Only a hint: an approved node finds its credentials accepted at its next try anyway.
            _logger.LogDebug("Could not tell node {NodeId} its enrolment is {State}", nodeId, state);
        }
    }

    private static NodeIdentityRecord IdentityOf(EnrolmentRequest request, IReadOnlyList<string> zones, DateTimeOffset now, string by, string via) => new(
        request.NodeId,
        request.PublicKey,
        KeyFingerprint.Of(request.PublicKeyBytes()),
        request.PasswordHash,
        [.. zones],
        [.. request.Zones],
        request.Hardware,
        request.Software,
        IdentityStatus.Enrolled,
        now,
        by,
        via,
        now);

    private static BrokerAccount AccountOf(NodeIdentityRecord identity) =>
        new(identity.NodeId, BrokerAccountKind.Node, identity.PasswordHash, identity.ApprovedZones);

    private static bool ValidZones(IReadOnlyList<string> zones) =>
        zones.Count is > 0 and <= EnrolmentRequest.MaxZones && zones.All(Identifiers.IsValid) && zones.Distinct(StringComparer.Ordinal).Count() == zones.Count;

    private static byte[] Base64UrlDecode(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);

    private static IngestResult Refused(string topic, string nodeId, string reason, string? detail) => new(topic, nodeId, null, reason, detail);

    /// <summary>An identity with its imported key; the key is shared by ingest threads, so each verification takes its lock.</summary>
    private sealed record EnrolledKey(NodeIdentityRecord Record, ECDsa Key)
    {
        public static EnrolledKey? From(NodeIdentityRecord identity)
        {
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(identity.PublicKey);
            }
            catch (FormatException)
            {
                return null;
            }

            return EcdsaP256.ImportPublicKey(bytes) is { } key ? new EnrolledKey(identity, key) : null;
        }

        public bool Verify(SignedPayload payload)
        {
            lock (Key)
            {
                return EcdsaP256.Verify(Key, payload.SignedBytes.Span, payload.Signature);
            }
        }
    }
}
