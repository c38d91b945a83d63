using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Fleet.Pages.Rows;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Tests.Web;

public sealed class FleetQueryTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 6, 0, 0, TimeSpan.Zero);
    private static readonly FleetOptions Thresholds = new();

    private static NodeState Node(string id) => new()
    {
        Id = id,
        Zones = ["thon-1"],
        Software = "1.0.0",
        Hardware = new HardwareProfile { Model = "simulated" },
        Capabilities = [],
        HeartbeatSeconds = 30,
        BdSeq = 1,
        LastSeen = Now,
        Online = true,
        StateSince = Now,
    };

    private static FleetQuery Parse(string sort, string? dir) => FleetQuery.Parse(
        new QueryCollection(new Dictionary<string, StringValues>
        {
            ["sort"] = sort,
            ["dir"] = dir is null ? StringValues.Empty : new StringValues(dir),
        }),
        ["thon-1"]);

    [Fact]
    public void Sorting_by_node_follows_the_direction_asked_for()
    {
        var nodes = new[] { Node("thon-b"), Node("thon-c"), Node("thon-a") };

        var ascending = Parse("id", null).Apply(nodes, Thresholds).Select(node => node.Id);
        var descending = Parse("id", "desc").Apply(nodes, Thresholds).Select(node => node.Id);

        Assert.Equal(["thon-a", "thon-b", "thon-c"], ascending);
        Assert.Equal(["thon-c", "thon-b", "thon-a"], descending);
    }
}
