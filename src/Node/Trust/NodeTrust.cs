using System.Text.Json;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Trust;

/// <summary>
/// The node's trust: the pinned root, the Controller keys it certified and the keys it revoked, kept in the data
/// folder so that a restarted node obeys at once instead of waiting for the broker's retained certificates.
/// Used by the control worker only (one payload at a time); <see cref="Store"/> is read by verifiers.
/// </summary>
internal sealed class NodeTrust : IDisposable
{
    private readonly string _nodeId;
    private readonly string? _dataDirectory;
    private readonly ILogger _logger;
    private readonly Action<string, string, string> _reportIgnored;

    /// <summary>Pins <paramref name="rootKey"/> and reloads what <paramref name="dataDirectory"/> holds; <paramref name="reportIgnored"/> gets (what, topic, reason) of what is ignored.</summary>
    public NodeTrust(string nodeId, ReadOnlyMemory<byte> rootKey, string? dataDirectory, ILogger logger, Action<string, string, string> reportIgnored)
    {
        _nodeId = nodeId;
        _dataDirectory = dataDirectory;
        _logger = logger;
        _reportIgnored = reportIgnored;
        Store = new TrustStore(rootKey.Span);
        LoadTrust();
    }

    /// <summary>The keys trusted now.</summary>
    public TrustStore Store { get; }

    /// <summary>A certificate from the broker (retained): trusted and stored when the root signed it.</summary>
    public void HandleCertificate(InboundMessage message)
    {
        if (message.Payload.Length == 0 || Store.CertificatePayloads.Any(known => known.AsSpan().SequenceEqual(message.Payload)))
        {
            // A cleared retained topic, or the certificate we already hold, redelivered on every reconnect.
            return;
        }

        if (Store.AddCertificate(message.Payload) is { } refusal)
        {
            _reportIgnored("certificate", message.Topic, refusal);
            return;
        }

        _logger.LogInformation("Node {NodeId}: trusts the Controller key certified on {Topic}", _nodeId, Printable(message.Topic));
        SaveTrust();
    }

    /// <summary>A revocation list from the broker (retained): applied and stored when the root signed it.</summary>
    public void HandleRevocations(InboundMessage message)
    {
        if (message.Payload.Length == 0)
        {
            return;
        }

        var before = Store.RevokedKids.Count;
        if (Store.ApplyRevocations(message.Payload) is { } refusal)
        {
            _reportIgnored("revocation list", message.Topic, refusal);
            return;
        }

        if (Store.RevokedKids.Count != before)
        {
            _logger.LogWarning(
                "Node {NodeId}: Controller keys revoked by the root: {Kids}",
                _nodeId, Printable(string.Join(",", Store.RevokedKids.Order(StringComparer.Ordinal))));
            SaveTrust();
        }
    }

    /// <inheritdoc />
    public void Dispose() => Store.Dispose();

    private void LoadTrust()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        try
        {
            var (certificates, revoked) = TrustFile.Read(_dataDirectory);
            Store.Revoke(revoked);
            foreach (var certificate in certificates)
            {
                if (Store.AddCertificate(certificate) is { } refusal)
                {
                    _logger.LogWarning("Node {NodeId}: a stored Controller certificate is no longer accepted ({Reason}); dropped", _nodeId, refusal);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            _logger.LogWarning(
                "Node {NodeId}: cannot read {File} ({Error}); commands wait for the broker's retained certificates",
                _nodeId, TrustFile.FileName, exception.Message);
        }
    }

    private void SaveTrust()
    {
        if (_dataDirectory is null)
        {
            return;
        }

        try
        {
            TrustFile.Save(_dataDirectory, Store.CertificatePayloads, Store.RevokedKids);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _logger.LogWarning(
                "Node {NodeId}: cannot store trusted keys in {DataDirectory} ({Error}); after a restart they come from the broker again",
                _nodeId, _dataDirectory, exception.Message);
        }
    }

    private static string Printable(string text) => LogText.Printable(text);
}
