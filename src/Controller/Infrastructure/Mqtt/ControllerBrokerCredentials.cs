using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// The username and password the Controller's client connects with: <c>controller</c> and the generated password in
/// <c>broker-secrets.json</c>, unless an external broker's own are configured (<c>Broker:Username</c>, <c>Broker:Password</c>).
/// </summary>
public sealed class ControllerBrokerCredentials
{
    /// <summary>The Controller's username (and, on the embedded broker, its client id).</summary>
    public const string DefaultUsername = "controller";

    private readonly BrokerOptions _options;
    private readonly BrokerSecrets _secrets;

    /// <summary>Created by dependency injection.</summary>
    public ControllerBrokerCredentials(IOptions<BrokerOptions> options, BrokerSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _secrets = secrets;
    }

    /// <summary>The username.</summary>
    public string Username => _options.Username ?? DefaultUsername;

    /// <summary>The password.</summary>
    public string Password => _options.Password ?? _secrets.ControllerPassword;
}
