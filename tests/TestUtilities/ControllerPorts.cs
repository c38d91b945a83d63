namespace SmartLoudspeaker.TestUtilities;

/// <summary>The ports a Controller process bound, as its log reported them.</summary>
/// <param name="Http">The web server's port (REST API, pages, /healthz).</param>
/// <param name="Mqtt">The embedded MQTT broker's port.</param>
public sealed record ControllerPorts(int Http, int Mqtt);
