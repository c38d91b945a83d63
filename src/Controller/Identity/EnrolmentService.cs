using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// Node identities and enrolment (docs/protocol.md, "Enrolment"): verifies requests, holds them for a technician or
/// approves them with a valid token, and keeps the broker's account directory equal to the enrolled identities.
/// An identity rotation the Controller asked for completes here too: the node's verified "done" names its new key, and
/// the request carrying that key is approved at once in place of the old one.
/// Every change is stored (awaited to the durability point) before the directory or the node hears of it, one change
/// at a time; reads (ingest's checks, the API's lists) take the in-memory copy without waiting.
/// </summary>
internal sealed class EnrolmentService : IEnrolledNodes, IDisposable
{
    /// <summary>Who approved a node on the API, until the accounts issue gives technicians names.</summary>
    public const string Technician = "technician";

    /// <summary>The fleet event kind that records a completed rotation, old and new fingerprints in its text.</summary>
    public const string RotatedEventKind = "identity.rotated";

    private readonly IIdentityStore _store;
    private readonly BrokerAccountDirectory _directory;
    private readonly IMqttPublisher _publisher;
    private readonly FleetRegistry _fleet;
    private readonly IFleetStore _events;
    private readonly EnrolmentOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EnrolmentService> _logger;
    private readonly AuditTrail _audit;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly ConcurrentDictionary<string, EnrolledKey> _identities = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingEnrolment> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EnrolmentTokenRecord> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IdentityRotation> _rotations = new(StringComparer.Ordinal);
    private readonly Lock _rateGate = new();
    private DateTimeOffset _rateWindow;
    private int _rateCount;

    public EnrolmentService(
        IIdentityStore store,
        BrokerAccountDirectory directory,
        IMqttPublisher publisher,
        FleetRegistry fleet,
        IFleetStore events,
        IOptions<EnrolmentOptions> options,
        TimeProvider timeProvider,
        ILogger<EnrolmentService> logger,
        AuditTrail audit)
    {
        _audit = audit;
        _store = store;
        _directory = directory;
        _publisher = publisher;
        _fleet = fleet;
        _events = events;
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

        foreach (var rotation in store.LoadRotations())
        {
            _rotations[rotation.NodeId] = rotation;
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

    /// <summary>The node's rotation under way or failed (see <see cref="IdentityRotation.HasFailedAt"/>), or null.</summary>
    public IdentityRotation? FindRotation(string nodeId) => _rotations.GetValueOrDefault(nodeId);

    /// <summary>How long a rotation may take (<c>Enrolment:RotationTimeout</c>).</summary>
    public TimeSpan RotationTimeout => _options.RotationTimeout;

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
            else if (known is { Status: IdentityStatus.Enrolled } && _rotations.GetValueOrDefault(request.NodeId) is { } rotation
                && rotation.Expects(fingerprint, now, _options.RotationTimeout))
            {
                await CompleteRotationAsync(known, rotation, request, now);
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
                await _audit.RecordAsync("node:" + request.NodeId, null, AuditActions.EnrolmentApproved, AuditOutcome.Succeeded, "node:" + request.NodeId, $"by token {used.Id}; zones {string.Join(",", identity.ApprovedZones)}");
                state = EnrolmentState.Approved;
            }
            else
            {
                if (!_pending.ContainsKey(request.NodeId) && _pending.Count >= _options.MaxPendingRequests)
                {
                    return Refused(topic, topicNodeId, IngestRefusals.EnrolmentPendingFull, $"{_pending.Count} requests already wait for a technician");
                }

                var reason = known is null ? HoldReason.New : known.Status == IdentityStatus.Revoked ? HoldReason.Revoked : HoldReason.KeyChanged;
                var pending = new PendingEnrolment(request.NodeId, now, request, reason, Join(tokenProblem, RotationNote(request.NodeId, now)));
                await _store.SavePendingAsync(pending);
                _pending[request.NodeId] = pending;
                _logger.LogInformation(
                    "Enrolment request of node {NodeId} held for a technician ({Reason}{Note}), key {Fingerprint}",
                    request.NodeId, reason, pending.Note is null ? string.Empty : "; " + pending.Note, fingerprint);
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

            // The technician chose the key: a rotation under way must not replace it by the one it expected.
            await DropRotationAsync(nodeId);
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
            _rotations.TryRemove(nodeId, out _);
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

    /// <summary>
    /// Records, before the command is sent, that "rotate-identity" <paramref name="commandId"/> goes to the enrolled node
    /// <paramref name="nodeId"/>: its answer then always finds the record. Conflict for a revoked node or while another
    /// rotation of it is under way (one that failed is replaced).
    /// </summary>
    public async Task<IdentityOutcome> BeginRotationAsync(string nodeId, string commandId, string by, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (!_identities.TryGetValue(nodeId, out var entry))
            {
                return IdentityOutcome.NotFound;
            }

            var now = _timeProvider.GetUtcNow();
            if (entry.Record.Status != IdentityStatus.Enrolled
                || (_rotations.TryGetValue(nodeId, out var current) && !current.HasFailedAt(now, _options.RotationTimeout)))
            {
                return IdentityOutcome.Conflict;
            }

            var rotation = new IdentityRotation(nodeId, commandId, now, by, entry.Record.Fingerprint, null);
            await _store.SaveRotationAsync(rotation);
            _rotations[nodeId] = rotation;
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Identity rotation of node {NodeId} requested by {By} (command {CommandId})", nodeId, by, commandId);
        return IdentityOutcome.Done;
    }

    /// <summary>Forgets the rotation recorded for <paramref name="commandId"/>: the command was not issued after all.</summary>
    public async Task AbandonRotationAsync(string nodeId, string commandId)
    {
        await _changes.WaitAsync();
        try
        {
            if (_rotations.TryGetValue(nodeId, out var rotation) && rotation.CommandId == commandId)
            {
                await _store.RemoveRotationAsync(nodeId);
                _rotations.TryRemove(nodeId, out _);
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// A command acknowledgement from <paramref name="nodeId"/> that ingest verified against the node's enrolled key. The
    /// "done" of the rotation under way names the new key: that fingerprint is recorded as the one to approve, and a
    /// request already waiting with that key (it can arrive first) is approved now. Anything else changes nothing.
    /// </summary>
    public async Task AckReceivedAsync(string nodeId, CommandAck ack, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.Status != CommandAckStatus.Done || _rotations.GetValueOrDefault(nodeId) is not { } seen || seen.CommandId != ack.Id)
        {
            return;
        }

        if (NewFingerprint(ack) is not { } expected)
        {
            _logger.LogWarning("Node {NodeId} answered rotation {CommandId} without the new key's fingerprint; a technician must approve its new key", nodeId, ack.Id);
            return;
        }

        string? approved = null;
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_rotations.GetValueOrDefault(nodeId) is not { } rotation || rotation.CommandId != ack.Id
                || rotation.ExpectedFingerprint is not null || rotation.HasFailedAt(now, _options.RotationTimeout))
            {
                return;
            }

            var expecting = rotation with { ExpectedFingerprint = expected };
            await _store.SaveRotationAsync(expecting);
            _rotations[nodeId] = expecting;
            _logger.LogInformation("Node {NodeId} rotates its identity: its old key vouches for new key {Fingerprint}", nodeId, expected);

            if (_pending.GetValueOrDefault(nodeId) is { } pending && _identities.GetValueOrDefault(nodeId)?.Record is { Status: IdentityStatus.Enrolled } known
                && expecting.Expects(KeyFingerprint.Of(pending.Request.PublicKeyBytes()), now, _options.RotationTimeout))
            {
                await CompleteRotationAsync(known, expecting, pending.Request, now);
                approved = expected;
            }
        }
        finally
        {
            _changes.Release();
        }

        if (approved is not null)
        {
            await PublishStatusAsync(nodeId, EnrolmentState.Approved, approved, cancellationToken);
        }
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
                await DropRotationAsync(nodeId);
            }
        }
        finally
        {
            _changes.Release();
        }

        _logger.LogInformation("Node {NodeId} identity changed: {Status}, zones {Zones}", nodeId, changed.Status, string.Join(",", changed.ApprovedZones));
        return IdentityOutcome.Done;
    }

    /// <summary>
    /// Replaces the node's key and broker password by those of <paramref name="request"/> (zones and enrolment kept), drops
    /// the rotation, and records the fleet event. Called holding <see cref="_changes"/>. Putting the account with the new
    /// password hash makes the broker drop any connection still under the old password.
    /// </summary>
    private async Task CompleteRotationAsync(NodeIdentityRecord known, IdentityRotation rotation, EnrolmentRequest request, DateTimeOffset now)
    {
        var rotated = known with
        {
            PublicKey = request.PublicKey,
            Fingerprint = KeyFingerprint.Of(request.PublicKeyBytes()),
            PasswordHash = request.PasswordHash,
            Software = request.Software,
            Hardware = request.Hardware,
            ChangedAt = now,
            RotatedAt = now,
        };
        await _store.SaveRotatedIdentityAsync(rotated);
        _rotations.TryRemove(known.NodeId, out _);
        _pending.TryRemove(known.NodeId, out _);
        Enrolled(rotated);
        _logger.LogWarning(
            "Node {NodeId} identity rotated (command {CommandId}): key {OldFingerprint} replaced by {NewFingerprint}; the old key and password are no longer accepted",
            known.NodeId, rotation.CommandId, known.Fingerprint, rotated.Fingerprint);
        await _audit.RecordAsync("node:" + known.NodeId, null, AuditActions.IdentityRotated, AuditOutcome.Succeeded, "node:" + known.NodeId, $"command {rotation.CommandId}; key {known.Fingerprint} → {rotated.Fingerprint}");
        var rotatedEvent = new NodeEvent
        {
            Id = "rotated-" + rotation.CommandId,
            Seq = 0,
            BdSeq = 0,
            Ts = now,
            Kind = RotatedEventKind,
            Severity = EventSeverity.Info,
            Code = "identity-rotated",
            Text = $"identity rotated: key {known.Fingerprint} → {rotated.Fingerprint} (asked by {rotation.RequestedBy})",
        };
        if (!await _events.TryAddEventAsync(new EventRecord(known.NodeId, now, rotatedEvent)))
        {
            _logger.LogDebug("Rotation event of node {NodeId} was already stored", known.NodeId);
        }
    }

    /// <summary>Forgets the node's rotation, if any. Called holding <see cref="_changes"/>.</summary>
    private async Task DropRotationAsync(string nodeId)
    {
        if (_rotations.ContainsKey(nodeId))
        {
            await _store.RemoveRotationAsync(nodeId);
            _rotations.TryRemove(nodeId, out _);
        }
    }

    /// <summary>What a technician should know about a held request while a rotation waits for another key, or null.</summary>
    private string? RotationNote(string nodeId, DateTimeOffset now) =>
        _rotations.GetValueOrDefault(nodeId) is { } rotation && !rotation.HasFailedAt(now, _options.RotationTimeout)
            ? rotation.ExpectedFingerprint is { } expected
                ? $"a rotation expects key {expected}; this request carries another key"
                : "a rotation was asked and the node has not answered it yet; this key is not vouched for by the old one"
            : null;

    private static string? Join(string? first, string? second) =>
        first is null ? second : second is null ? first : first + "; " + second;

    /// <summary>The new key's fingerprint in a rotation's "done", or null when absent or malformed.</summary>
    private static string? NewFingerprint(CommandAck ack)
    {
        if (ack.Result is not { ValueKind: System.Text.Json.JsonValueKind.Object } result)
        {
            return null;
        }

        try
        {
            var rotated = System.Text.Json.JsonSerializer.Deserialize(result, ProtocolJsonContext.Default.RotatedIdentity);
            return rotated?.Fingerprint is { Length: > 0 and <= 64 } fingerprint ? fingerprint : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
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
