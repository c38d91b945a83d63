using System.Security.Cryptography;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// This controller process run: a random instance id, announced on <c>sl/v1/controller/state</c>, and the MQTT
/// client id <c>controller</c>, which the embedded broker lets only the Controller's account present.
/// </summary>
public sealed class ControllerIdentity
{
    /// <summary>A new random identity.</summary>
    public ControllerIdentity()
    {
        Instance = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Random id of this process run (16 hex digits).</summary>
    public string Instance { get; }

    /// <summary>The controller's MQTT client id, <c>controller</c>: its broker username, as every client id is.</summary>
    public string ClientId => ControllerBrokerCredentials.DefaultUsername;
}
