using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Zones;

/// <summary>The zone registry's API and page in a running Controller, and the zone names on the fleet pages.</summary>
public sealed partial class ZoneApiTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private ControllerHost _host;

    public ZoneApiTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_zone_a_node_declares_is_listed_unnamed_with_its_node_count_until_a_technician_names_it()
    {
        await using var node = await _host.BornNodeAsync("loa-1");
        var unnamed = Assert.Single((await Zones()).EnumerateArray());
        Assert.Equal(("thon-1", false, 1), (unnamed.GetProperty("id").GetString(), unnamed.GetProperty("named").GetBoolean(), unnamed.GetProperty("nodes").GetInt32()));
        Assert.Equal(JsonValueKind.Null, unnamed.GetProperty("name").ValueKind);

        var created = await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-1", name = "  Thôn 1 ", description = "Đầu làng" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/zones/thon-1", created.Headers.Location?.ToString());
        var zone = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("Thôn 1", "Đầu làng", true, 1), (zone.GetProperty("name").GetString(), zone.GetProperty("description").GetString(), zone.GetProperty("named").GetBoolean(), zone.GetProperty("nodes").GetInt32()));
        Assert.Equal(_host.Clock.GetUtcNow(), zone.GetProperty("createdAt").GetDateTimeOffset());

        var listed = Assert.Single((await Zones()).EnumerateArray());
        Assert.Equal("Thôn 1", listed.GetProperty("name").GetString());
        Assert.Equal("Thôn 1", (await _host.Http.GetFromJsonAsync<JsonElement>("/api/zones/thon-1")).GetProperty("name").GetString());

        // The node API keeps zone ids.
        Assert.Equal("thon-1", (await _host.GetListedNodeAsync("loa-1")).GetProperty("zones")[0].GetString());
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task Renaming_replaces_the_name_and_description_and_keeps_when_the_zone_was_named()
    {
        var named = _host.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "xom-dong", name = "Xom Dong", description = "cũ" })).StatusCode);
        _host.Clock.Advance(TimeSpan.FromMinutes(3));

        var renamed = await _host.Http.PutAsJsonAsync("/api/zones/xom-dong", new { name = "Xóm Đông" });
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var zone = await renamed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Xóm Đông", zone.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, zone.GetProperty("description").ValueKind);
        Assert.Equal(named, zone.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(named.AddMinutes(3), zone.GetProperty("changedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Bad_input_is_answered_with_problem_details_that_say_what_is_wrong()
    {
        await using var node = await _host.BornNodeAsync("loa-1");
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-1", name = "Thôn 1" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "cho", name = "Chợ" })).StatusCode);

        await AssertProblem(await _host.Http.PostAsJsonAsync("/api/zones", new { id = "Thôn-1", name = "X" }), HttpStatusCode.BadRequest, "Invalid zone id");
        await AssertProblem(await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-2", name = "   " }), HttpStatusCode.BadRequest, "Invalid zone name");
        await AssertProblem(await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-2", name = new string('a', 65) }), HttpStatusCode.BadRequest, "Invalid zone name");
        await AssertProblem(await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-2", name = "THÔN 1" }), HttpStatusCode.Conflict, "Duplicate zone name", "thon-1");
        await AssertProblem(await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-1", name = "Thôn Một" }), HttpStatusCode.Conflict, "Zone already named");
        await AssertProblem(await _host.Http.PutAsJsonAsync("/api/zones/cho", new { name = "thôn 1" }), HttpStatusCode.Conflict, "Duplicate zone name");
        await AssertProblem(await _host.Http.PutAsJsonAsync("/api/zones/khong-co", new { name = "Không có" }), HttpStatusCode.NotFound, "Unknown zone");
        await AssertProblem(await _host.Http.DeleteAsync(new Uri("/api/zones/khong-co", UriKind.Relative)), HttpStatusCode.NotFound, "Unknown zone");
        await AssertProblem(await _host.Http.GetAsync(new Uri("/api/zones/BAD", UriKind.Relative)), HttpStatusCode.BadRequest, "Invalid zone id");

        // A zone a node still belongs to is kept, with the reason; one without nodes goes.
        await AssertProblem(await _host.Http.DeleteAsync(new Uri("/api/zones/thon-1", UriKind.Relative)), HttpStatusCode.Conflict, "Zone in use", "1 node");
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.DeleteAsync(new Uri("/api/zones/cho", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/api/zones/cho", UriKind.Relative))).StatusCode);
        Assert.Equal(["thon-1"], (await Zones()).EnumerateArray().Select(zone => zone.GetProperty("id").GetString()));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task Zone_names_survive_a_restart()
    {
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-5", name = "Thôn 5" })).StatusCode);
        _host.Dispose();
        _host = ControllerHost.Start(_data.Path);

        Assert.Equal("Thôn 5", Assert.Single((await Zones()).EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_fleet_list_its_zone_filter_and_the_node_page_show_zone_names_and_the_id_while_a_zone_has_none()
    {
        await using var first = await _host.BornNodeAsync("loa-1");
        var ingested = _host.WaitForIngest(result => result.NodeId == "loa-2" && result.Kind == Protocol.NodeMessageKind.Birth);
        await using var second = await _host.ConnectNodeAsync("loa-2");
        await second.PublishAsync(Protocol.NodeMessageKind.Birth, Wire.Birth("loa-2", 1, 10, "thon-2"));
        await ingested;
        Assert.Equal(HttpStatusCode.Created, (await _host.Http.PostAsJsonAsync("/api/zones", new { id = "thon-1", name = "Thôn 1" })).StatusCode);

        var list = await _host.Http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Matches(@"<td data-label=""[^""]+"" data-f=""zones"">Thôn 1</td>", list);
        Assert.Matches(@"<td data-label=""[^""]+"" data-f=""zones"">Khu vực[^<]{1,8}thon-2</td>", list);
        Assert.Contains(@"<option value=""thon-1"">Thôn 1</option>", list, StringComparison.Ordinal);

        var filtered = await _host.Http.GetStringAsync(new Uri("/?zone=thon-1", UriKind.Relative));
        Assert.Contains(@"<option value=""thon-1"" selected=""selected"">Thôn 1</option>", filtered, StringComparison.Ordinal);
        Assert.DoesNotContain("data-node=\"loa-2\"", filtered, StringComparison.Ordinal);

        Assert.Contains(@"<dd data-f=""zones"">Thôn 1</dd>", await _host.Http.GetStringAsync(new Uri("/nodes/loa-1", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_zones_page_names_a_zone_through_its_form_and_refuses_a_post_without_the_antiforgery_token()
    {
        await using var node = await _host.BornNodeAsync("loa-1");
        var page = await _host.Http.GetStringAsync(new Uri("/zones", UriKind.Relative));
        Assert.Contains("<code>thon-1</code>", page, StringComparison.Ordinal);
        var token = AntiforgeryToken().Match(page).Groups["token"].Value;
        Assert.NotEmpty(token);

        using var forged = await _host.Http.PostAsync(
            new Uri("/zones?handler=create", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "thon-1", ["name"] = "Giả mạo" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(_host.Services.GetRequiredService<Controller.Zones.ZoneRegistry>().NameOf("thon-1"));

        using var saved = await _host.Http.PostAsync(
            new Uri("/zones?handler=create", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "thon-1", ["name"] = "Thôn 1", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("/zones?done=created&zone=thon-1", saved.RequestMessage!.RequestUri!.PathAndQuery);
        var after = await saved.Content.ReadAsStringAsync();
        Assert.Contains("Đã đặt tên khu vực thon-1: «Thôn 1».", after, StringComparison.Ordinal);
        Assert.Contains(@"<h3 class=""card-name"">Thôn 1</h3>", after, StringComparison.Ordinal);

        using var duplicate = await _host.Http.PostAsync(
            new Uri("/zones?handler=create", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["id"] = "thon-9", ["name"] = "thôn 1", ["form"] = "add", ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var refusal = await duplicate.Content.ReadAsStringAsync();
        Assert.Contains(@"id=""add-problem""", refusal, StringComparison.Ordinal);
        Assert.Contains("Tên «Thôn 1» đã được dùng cho khu vực thon-1", refusal, StringComparison.Ordinal);
        Assert.Contains(@"value=""thon-9""", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_zone_api_and_its_refusals()
    {
        var paths = (await _host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        Assert.True(paths.GetProperty("/api/zones").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/zones").GetProperty("post").GetProperty("responses").TryGetProperty("409", out _));
        var zone = paths.GetProperty("/api/zones/{id}");
        Assert.True(zone.GetProperty("put").GetProperty("responses").TryGetProperty("404", out _));
        Assert.True(zone.GetProperty("delete").GetProperty("responses").TryGetProperty("409", out _));
    }

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string title, string? inDetail = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        if (inDetail is not null)
        {
            Assert.Contains(inDetail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private async Task<JsonElement> Zones() => await _host.Http.GetFromJsonAsync<JsonElement>("/api/zones");

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex AntiforgeryToken();
}
