using System.Globalization;
using System.Text;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;

/// <summary>
/// The text of Mosquitto's generated files, from the account directory and <see cref="BrokerAccessRules"/> (pure):
/// <c>passwd</c> (<c>username:$7$…</c>, the stored hashes unchanged), <c>acl</c> (<c>user</c> then <c>topic read|write</c>
/// lines; Mosquitto's <c>read</c> covers subscribing and receiving) and the <c>mosquitto.conf</c> that uses them.
/// </summary>
internal static class MosquittoFiles
{
    /// <summary>Password file name.</summary>
    public const string PasswordFileName = "passwd";

    /// <summary>ACL file name.</summary>
    public const string AclFileName = "acl";

    /// <summary>Configuration file name.</summary>
    public const string ConfigurationFileName = "mosquitto.conf";

    /// <summary>QoS 1 messages in flight to one client (Mosquitto's default is 20).</summary>
    public const int MaxInflightMessages = 16;

    private const string Header = "# Written by the SmartLoudspeaker Controller from its broker accounts; edits are overwritten.\n";

    /// <summary>
    /// <c>passwd</c>: one line per account with a well-formed hash, and nothing else: <c>mosquitto_passwd</c> calls a
    /// comment line a corrupt file, so a header would stop a technician editing it by hand in an emergency.
    /// </summary>
    public static string PasswordFile(IEnumerable<BrokerAccount> accounts)
    {
        var text = new StringBuilder();
        foreach (var account in accounts.Where(Writable))
        {
            text.Append(account.Username).Append(':').Append(account.PasswordHash).Append('\n');
        }

        return text.ToString();
    }

    /// <summary><c>acl</c>: each account's entries under its <c>user</c> line; the enrolment account covers every node id.</summary>
    public static string AclFile(IEnumerable<BrokerAccount> accounts)
    {
        var text = new StringBuilder(Header);
        foreach (var account in accounts.Where(Writable))
        {
            text.Append('\n').Append("user ").Append(account.Username).Append('\n');
            foreach (var entry in BrokerAccessRules.For(account))
            {
                text.Append("topic ").Append(entry.Access == BrokerAccess.Publish ? "write " : "read ").Append(entry.Pattern).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The configuration: the listener (<c>Broker:Port</c>), no anonymous clients, the two files, client id = username,
    /// and the caps Mosquitto has: one packet size for every topic, the largest of the embedded broker's per-topic caps
    /// (a media chunk); as many connections as the embedded broker allows plus the Controller's; its queue bound. Then
    /// the TLS listener (<paramref name="tlsListener"/>, from <see cref="MosquittoTlsFiles"/>; empty for none) with the
    /// same listener settings: Mosquitto applies those to the listener they follow.
    /// </summary>
    public static string ConfigurationFile(string directory, BrokerOptions options, IReadOnlyList<string> tlsListener)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tlsListener);
        var full = Path.GetFullPath(directory);
        var maxPacketBytes = Math.Max(options.MaxJsonPacketBytes, Math.Max(options.MaxAudioPacketBytes, options.MaxMediaPacketBytes));
        var listenerSettings = string.Create(CultureInfo.InvariantCulture, $"""
            max_connections {options.MaxConnections + 1}
            use_username_as_clientid true

            """);
        var tls = tlsListener.Count == 0 ? string.Empty : "\n" + string.Join("\n", tlsListener) + "\n" + listenerSettings;
        return string.Create(CultureInfo.InvariantCulture, $"""
            {Header.TrimEnd()}
            per_listener_settings false
            allow_anonymous false
            password_file {Path.Combine(full, PasswordFileName)}
            acl_file {Path.Combine(full, AclFileName)}
            persistence false
            max_packet_size {maxPacketBytes}
            max_inflight_messages {MaxInflightMessages}
            max_queued_messages {options.MaxQueuedMessagesPerClient}

            listener {options.Port}

            """) + listenerSettings + tls;
    }

    /// <summary>
    /// A username that would break a line of either file (a space, a colon, a line break) or a hash Mosquitto cannot
    /// read is left out: that account cannot connect to Mosquitto, rather than corrupting everyone else's lines.
    /// </summary>
    private static bool Writable(BrokerAccount account) =>
        account.Username.Length > 0
        && !account.Username.Any(character => character is ':' or ' ' or '#' || char.IsControl(character) || char.IsWhiteSpace(character))
        && Protocol.Security.BrokerPasswordHash.IsWellFormed(account.PasswordHash);
}
