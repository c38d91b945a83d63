using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;

/// <summary>
/// External mode with <c>Broker:Mosquitto:ConfigDirectory</c>: writes Mosquitto's <c>passwd</c>, <c>acl</c>,
/// <c>mosquitto.conf</c> and its TLS listener's certificate files (<see cref="MosquittoTlsFiles"/>) at start and again
/// after account changes (changes within <see cref="MosquittoOptions.Debounce"/> are written together), then runs
/// <see cref="MosquittoOptions.ReloadCommand"/> (Mosquitto rereads accounts and certificates on SIGHUP). The debounce
/// waits on real time on purpose: it paces file writes and a reload, it decides nothing. Does nothing in any other
/// configuration.
/// </summary>
internal sealed class MosquittoFileWriter : BackgroundService
{
    private static readonly TimeSpan ReloadTimeout = TimeSpan.FromSeconds(30);
    private readonly BrokerOptions _options;
    private readonly IBrokerAccountDirectory _directory;
    private readonly string _dataFolder;
    private readonly TimeProvider _time;
    private readonly ILogger<MosquittoFileWriter> _logger;
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public MosquittoFileWriter(
        IOptions<BrokerOptions> options, IOptions<StoreOptions> store, IBrokerAccountDirectory directory, TimeProvider time, ILogger<MosquittoFileWriter> logger)
    {
        _options = options.Value;
        _dataFolder = store.Value.DataDirectory;
        _directory = directory;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after the files were written and the reload command (if any) ran; the number of accounts written.</summary>
    public event Action<int>? Written;

    private string? Folder => _options.Mode == BrokerMode.External ? _options.Mosquitto.ConfigDirectory : null;

    /// <inheritdoc />
    /// <remarks>The first write happens here, so a started host has its files in place.</remarks>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Folder is null)
        {
            return;
        }

        _directory.Changed += OnChanged;
        await WriteAndReloadAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _directory.Changed -= OnChanged;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(_options.Mosquitto.Debounce, stoppingToken);
                _changes.Reader.TryRead(out _);
                await WriteAndReloadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void OnChanged(string username) => _changes.Writer.TryWrite(true);

    private async Task WriteAndReloadAsync(CancellationToken cancellationToken)
    {
        var folder = Folder!;
        var accounts = _directory.All();
        try
        {
            Directory.CreateDirectory(folder);
            var tlsListener = MosquittoTlsFiles.Write(folder, _options.Tls, _dataFolder, _time.GetUtcNow(), _logger);
            PrivateFile.Replace(Path.Combine(folder, MosquittoFiles.PasswordFileName), Encoding.UTF8.GetBytes(MosquittoFiles.PasswordFile(accounts)), PrivateFile.OwnerAndGroupRead);
            PrivateFile.Replace(Path.Combine(folder, MosquittoFiles.AclFileName), Encoding.UTF8.GetBytes(MosquittoFiles.AclFile(accounts)), PrivateFile.OwnerAndGroupRead);
            PrivateFile.Replace(
                Path.Combine(folder, MosquittoFiles.ConfigurationFileName),
                Encoding.UTF8.GetBytes(MosquittoFiles.ConfigurationFile(folder, _options, tlsListener)),
                PrivateFile.OwnerAndGroupRead);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _logger.LogError(exception, "Cannot write the Mosquitto files in {Folder}: Mosquitto keeps its previous accounts and certificates", folder);
            return;
        }

        _logger.LogInformation(
            "Wrote Mosquitto's passwd, acl and mosquitto.conf{Tls} in {Folder} ({Accounts} accounts)",
            _options.Tls.Enabled ? " with the TLS listener on " + _options.Tls.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty,
            folder,
            accounts.Count);
        if (_options.Mosquitto.ReloadCommand is { } command)
        {
            await ReloadAsync(command, cancellationToken);
        }

        Written?.Invoke(accounts.Count);
    }

    private async Task ReloadAsync(string command, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("the shell did not start");
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            _logger.LogError("Mosquitto reload command '{Command}' failed to start: {Message}", command, exception.Message);
            return;
        }

        using (process)
        {
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReloadTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                _logger.LogError("Mosquitto reload command '{Command}' did not finish within {Timeout}; killed", command, ReloadTimeout);
                return;
            }

            if (process.ExitCode != 0)
            {
                _logger.LogError("Mosquitto reload command '{Command}' exited {Code}: {Errors}", command, process.ExitCode, (await errors).Trim());
            }
        }
    }
}
