using System.Globalization;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// Debian's Mosquitto run on the files a Controller in external mode writes (README, "The broker's accounts"): the
/// Controller is given <see cref="ControllerSettings"/>, writes <c>passwd</c>, <c>acl</c> and <c>mosquitto.conf</c> at
/// start, and Mosquitto is started on them; every later account change (a node enrolled) is rewritten and reloaded
/// with SIGHUP, as a deployment's <c>systemctl reload mosquitto</c> does, and counted in <see cref="Reloads"/>.
/// </summary>
internal sealed class ControllerMosquitto : IAsyncDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("sl-e2e-mosquitto-").FullName;
    private readonly bool accountsOnly;
    private MosquittoBroker? broker;

    /// <param name="accountsOnly">
    /// False: Mosquitto runs the generated <c>mosquitto.conf</c> itself (listener on <see cref="Port"/>, accounts, ACL).
    /// True: only the generated accounts (<c>passwd</c>) on a listener of the test's own, without the ACL, and anonymous
    /// clients may publish and subscribe anywhere: a broker an attacker has access to (what protects the nodes then is
    /// the signatures), or one the Controller reaches through a proxy (whose port the generated listener would name).
    /// </param>
    public ControllerMosquitto(bool accountsOnly = false) => this.accountsOnly = accountsOnly;

    /// <summary>The loopback port Mosquitto listens on.</summary>
    public int Port { get; } = FreePort.Next();

    /// <summary>The port of the generated TLS listener (a free one, not 8883, so tests can run side by side).</summary>
    public int TlsPort { get; } = FreePort.Next();

    /// <summary>The running broker (after <see cref="StartAsync"/>).</summary>
    public MosquittoBroker Broker => broker ?? throw new InvalidOperationException("Mosquitto is not started");

    /// <summary>How many times the Controller has had Mosquitto reload its files (its reload command sent SIGHUP).</summary>
    public int Reloads => File.Exists(ReloadLog) ? File.ReadAllLines(ReloadLog).Length : 0;

    private string ConfigDirectory => Path.Combine(folder, "generated");

    private string PidFile => Path.Combine(folder, "mosquitto.pid");

    private string ReloadLog => Path.Combine(folder, "reloads");

    /// <summary>
    /// The Controller's settings: external mode on <paramref name="brokerPort"/> (Mosquitto's own port unless the
    /// Controller reaches it through a proxy), the generated files' folder, and a reload command that signals this
    /// Mosquitto once it runs (before that, the first write at the Controller's start has nobody to tell).
    /// </summary>
    public IDictionary<string, string?> ControllerSettings(int? brokerPort = null) => new Dictionary<string, string?>
    {
        ["Broker:Mode"] = "External",
        ["Broker:Host"] = "127.0.0.1",
        ["Broker:Port"] = (brokerPort ?? Port).ToString(CultureInfo.InvariantCulture),
        ["Broker:ReconnectDelay"] = "00:00:00.2",
        ["Broker:Mosquitto:ConfigDirectory"] = ConfigDirectory,
        ["Broker:Mosquitto:ReloadCommand"] = $"if [ -f '{PidFile}' ]; then kill -HUP $(cat '{PidFile}') && echo reloaded >> '{ReloadLog}'; fi",
        ["Broker:Mosquitto:Debounce"] = "00:00:00",
        ["Broker:Tls:Port"] = TlsPort.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Starts Mosquitto once the Controller has written its files; does nothing when it already runs (a restarted
    /// Controller rewrites the same files and reloads it).
    /// </summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        if (broker is not null)
        {
            return;
        }

        // The Controller writes mosquitto.conf last; it is an outside process's file, so a bounded poll.
        var generated = Path.Combine(ConfigDirectory, "mosquitto.conf");
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!File.Exists(generated))
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"the Controller wrote no {generated} within {timeout}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        // Started as root (as the tests are), Mosquitto would drop to the 'mosquitto' user, which may not read the
        // 0640 files of another owner; a deployment gives that user the folder's group instead (README).
        var wrapper = Path.Combine(folder, "wrapper.conf");
        var lines = accountsOnly
            ? $"""
              user {Environment.UserName}
              listener {Port.ToString(CultureInfo.InvariantCulture)} 127.0.0.1
              allow_anonymous true
              password_file {Path.Combine(ConfigDirectory, "passwd")}
              persistence false
              """
            : $"""
              user {Environment.UserName}
              include_dir {ConfigDirectory}
              """;
        await File.WriteAllTextAsync(wrapper, lines + "\n");
        broker = await MosquittoBroker.StartAsync(wrapper, Port);
        await File.WriteAllTextAsync(PidFile, broker.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
