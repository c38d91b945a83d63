using System.Globalization;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// The lines of <c>mosquitto.conf</c> that give an external Mosquitto the same TLS listener as the embedded broker:
/// the broker certificate and key made by <see cref="BrokerCertificateFiles"/> (or the commune's own), TLS 1.2 or
/// newer. The caller writes them into the rest of the Mosquitto configuration. The Controller's generated CA is named
/// so that Mosquitto can serve the chain; a commune's own certificate needs none. No client certificate is asked for
/// (nodes are identified by their MQTT credentials).
/// </summary>
internal static class MosquittoTlsListener
{
    /// <summary>
    /// The listener block for <paramref name="port"/>, optionally bound to <paramref name="bindAddress"/>; without
    /// <paramref name="caFile"/> there is no <c>cafile</c> line.
    /// </summary>
    public static IReadOnlyList<string> Lines(int port, string? caFile, string certificateFile, string keyFile, string? bindAddress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        foreach (var (name, path) in new[] { ("caFile", caFile ?? "-"), ("certificateFile", certificateFile), ("keyFile", keyFile) })
        {
            // Mosquitto splits a line at white space: a path with a space (or a line break) would not be read as written.
            if (string.IsNullOrWhiteSpace(path) || path.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"'{path}' cannot be written into mosquitto.conf: it must be a path without white space.", name);
            }
        }

        var listener = "listener " + port.ToString(CultureInfo.InvariantCulture) + (string.IsNullOrWhiteSpace(bindAddress) ? string.Empty : " " + bindAddress);
        return
        [
            listener,
            .. caFile is null ? Array.Empty<string>() : ["cafile " + caFile],
            "certfile " + certificateFile,
            "keyfile " + keyFile,
            "tls_version tlsv1.2",
            "require_certificate false",
        ];
    }
}
