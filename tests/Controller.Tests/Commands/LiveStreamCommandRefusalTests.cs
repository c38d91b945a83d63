using System.Net;
using System.Net.Http.Json;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Commands;

/// <summary>
/// The technicians' free command API refuses the live-stream commands, as it refuses quiet hours (SettingsApiTests):
/// a stream is started by the live service with its signed audio, and a bare start would take the loudspeakers silent.
/// </summary>
public sealed class LiveStreamCommandRefusalTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public LiveStreamCommandRefusalTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData("/api/fleet/commands", "stream-start")]
    [InlineData("/api/zones/thon-1/commands", "stream-start")]
    [InlineData("/api/nodes/loa-1/commands", "stream-stop")]
    [InlineData("/api/fleet/commands", "stream-stop")]
    public async Task A_technician_cannot_start_or_stop_a_live_stream_through_the_command_api(string path, string type)
    {
        using var refused = await _host.Http.PostAsJsonAsync(
            path, new { type, body = new { streamId = "live-0042", @class = "live", delayMs = 1500, firstTimestampUs = 1795327200000000, framesPerPacket = 3, endAfterSilenceMs = 5000 } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("live service", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
