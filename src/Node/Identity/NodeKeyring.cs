namespace SmartLoudspeaker.Node.Identity;

/// <summary>
/// The node's credentials now, and the ones a "rotate-identity" command has prepared: those are on disk at once (so a
/// restart uses them), but the node goes on signing with the old key until the command's acknowledgement has gone out
/// (the Controller checks it against the key it holds), and only then switches. Credentials once used are disposed
/// with the keyring, never while a publisher may still be signing with them. Thread-safe.
/// </summary>
internal sealed class NodeKeyring : IDisposable
{
    private readonly string? _dataDirectory;
    private readonly Lock _gate = new();
    private readonly List<NodeCredentials> _all = [];
    private NodeCredentials _current;
    private (string CommandId, NodeCredentials Credentials)? _pending;

    /// <param name="current">The credentials to start with (owned from now on).</param>
    /// <param name="dataDirectory">Where they are kept; null: in memory only.</param>
    public NodeKeyring(NodeCredentials current, string? dataDirectory)
    {
        _current = current;
        _dataDirectory = dataDirectory;
        _all.Add(current);
    }

    /// <summary>The credentials the node connects, enrols and signs with now.</summary>
    public NodeCredentials Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>
    /// Loads the credentials from <paramref name="dataDirectory"/>, making them at first start; in memory when it is
    /// null. Logs the key fingerprint, which a technician compares when approving the node.
    /// </summary>
    /// <exception cref="InvalidDataException">A key or password file is damaged (the message names it).</exception>
    /// <exception cref="IOException">An existing key file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">An existing key file may not be read.</exception>
    public static NodeKeyring Open(string nodeId, string? dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        NodeCredentials credentials;
        var created = true;
        try
        {
            credentials = dataDirectory is null ? NodeCredentials.CreateNew() : IdentityFiles.LoadOrCreate(dataDirectory, out created);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && !IdentityFiles.KeyExists(dataDirectory!))
        {
            // A folder that cannot be written must not keep the node off the air (like the outbox, it carries on in
            // memory); the price is a new key at the next start, to be enrolled again.
            logger.LogError(
                "Node {NodeId}: cannot store its key in {DataDirectory} ({Error}); using a key in memory only, which a restart loses (the node must then be enrolled again)",
                nodeId, dataDirectory, exception.Message);
            return Open(nodeId, null, logger);
        }

        logger.LogInformation(
            "Node {NodeId}: key fingerprint {Fingerprint} ({Origin})",
            nodeId,
            credentials.Fingerprint,
            dataDirectory is null ? "in memory only" : created ? "new key in " + Path.Combine(dataDirectory, IdentityFiles.KeyFileName) : "from " + Path.Combine(dataDirectory, IdentityFiles.KeyFileName));
        return new NodeKeyring(credentials, dataDirectory);
    }

    /// <summary>
    /// Makes a new key and password for command <paramref name="commandId"/> and stores them (replacing the files only
    /// once both new ones are written); they take over at <see cref="Activate"/>.
    /// </summary>
    /// <exception cref="IOException">They cannot be stored; nothing changed.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder; nothing changed.</exception>
    public NodeCredentials Prepare(string commandId)
    {
        var fresh = NodeCredentials.CreateNew();
        try
        {
            if (_dataDirectory is { } directory)
            {
                IdentityFiles.Save(directory, fresh);
            }
        }
        catch
        {
            fresh.Dispose();
            throw;
        }

        lock (_gate)
        {
            _all.Add(fresh);
            _pending = (commandId, fresh);
        }

        return fresh;
    }

    /// <summary>Switches to the credentials prepared for <paramref name="commandId"/>; false when none were.</summary>
    public bool Activate(string commandId)
    {
        lock (_gate)
        {
            if (_pending is not { } pending || pending.CommandId != commandId)
            {
                return false;
            }

            _current = pending.Credentials;
            _pending = null;
            return true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var credentials in _all)
            {
                credentials.Dispose();
            }

            _all.Clear();
        }
    }
}
