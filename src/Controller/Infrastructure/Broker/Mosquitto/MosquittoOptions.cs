namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;

/// <summary>
/// Configuration section "Broker:Mosquitto" (external mode): where the Controller writes Mosquitto's password, ACL and
/// configuration files, and how it makes Mosquitto reload them.
/// </summary>
public sealed class MosquittoOptions
{
    /// <summary>
    /// Folder for <c>passwd</c>, <c>acl</c> and <c>mosquitto.conf</c>, rewritten at start and after every account
    /// change; null writes nothing. Include the conf from Mosquitto's own (<c>include_dir</c>) or start Mosquitto with it.
    /// </summary>
    public string? ConfigDirectory { get; set; }

    /// <summary>
    /// Shell command run after the files changed, e.g. <c>systemctl reload mosquitto</c> or
    /// <c>kill -HUP $(cat /run/mosquitto/mosquitto.pid)</c> (Mosquitto rereads its password and ACL files on SIGHUP);
    /// null runs nothing.
    /// </summary>
    public string? ReloadCommand { get; set; }

    /// <summary>Account changes arriving within this time are written together (one reload for a bulk approval).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromSeconds(1);
}
