using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Commune;

/// <summary>The commune settings' API in a running Controller: defaults, validation field by field, versions, roles, audit, the store.</summary>
public sealed class SettingsApiTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private ControllerHost _host;

    public SettingsApiTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    /// <summary>A complete, valid change made from <paramref name="version"/>.</summary>
    public static Dictionary<string, object?> Valid(long version = 0) => new()
    {
        ["version"] = version,
        ["name"] = "Xã Tân Phú",
        ["province"] = "Đồng Nai",
        ["timeZone"] = "Asia/Ho_Chi_Minh",
        ["quietHoursEnabled"] = true,
        ["quietHoursStart"] = "22:00",
        ["quietHoursEnd"] = "05:30",
        ["schedulesNeedApproval"] = false,
        ["loudnessTargetLufs"] = -18.5,
        ["emergencyLeadTimeMs"] = 400,
        ["bulletinLeadTimeMs"] = 3000,
    };

    [Fact]
    public async Task Before_anyone_saves_the_defaults_are_shown_at_version_0()
    {
        var settings = await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings");

        Assert.Equal(0, settings.GetProperty("version").GetInt64());
        Assert.Equal("", settings.GetProperty("name").GetString());
        Assert.Equal("Asia/Ho_Chi_Minh", settings.GetProperty("timeZone").GetString());
        Assert.True(settings.GetProperty("quietHoursEnabled").GetBoolean());
        Assert.Equal(("21:30", "05:00"), (settings.GetProperty("quietHoursStart").GetString(), settings.GetProperty("quietHoursEnd").GetString()));
        Assert.True(settings.GetProperty("schedulesNeedApproval").GetBoolean());
        Assert.Equal(-16, settings.GetProperty("loudnessTargetLufs").GetDouble());
        Assert.Equal(300, settings.GetProperty("emergencyLeadTimeMs").GetInt32());
        Assert.Equal(2000, settings.GetProperty("bulletinLeadTimeMs").GetInt32());
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_change_is_saved_with_the_next_version_audited_field_by_field_and_kept_across_a_restart()
    {
        using var saved = await _host.Http.PutAsJsonAsync("/api/settings", Valid());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var view = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, view.GetProperty("version").GetInt64());
        Assert.Equal("Xã Tân Phú", view.GetProperty("name").GetString());
        Assert.Equal(ControllerHost.TestUser + " (token ", view.GetProperty("changedBy").GetString()![..(ControllerHost.TestUser.Length + 8)]);
        Assert.Equal(_host.Clock.GetUtcNow(), view.GetProperty("changedAt").GetDateTimeOffset());

        var entry = Assert.Single(Audit(), e => e.Action == AuditActions.SettingsChanged);
        Assert.Equal(AuditOutcome.Succeeded, entry.Outcome);
        Assert.Equal("commune", entry.Target);
        Assert.StartsWith(ControllerHost.TestUser, entry.Actor, StringComparison.Ordinal);
        Assert.Contains("version 1", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("name: \"\" → \"Xã Tân Phú\"", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("quietHours: 21:30–05:00 → 22:00–05:30", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("schedulesNeedApproval: true → false", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("loudnessTargetLufs: -16 → -18.5", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("emergencyLeadTimeMs: 300 → 400", entry.Detail, StringComparison.Ordinal);
        Assert.Contains("bulletinLeadTimeMs: 2000 → 3000", entry.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("timeZone", entry.Detail, StringComparison.Ordinal);

        // The same values again change nothing: no new version, no audit entry.
        using var same = await _host.Http.PutAsJsonAsync("/api/settings", Valid(1));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(1, (await same.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64());
        Assert.Single(Audit(), e => e.Action == AuditActions.SettingsChanged);

        _host.Dispose();
        _host = ControllerHost.Start(_data.Path);
        var reread = await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings");
        Assert.Equal((1, "Đồng Nai", "22:00", -18.5), (reread.GetProperty("version").GetInt64(), reread.GetProperty("province").GetString(),
            reread.GetProperty("quietHoursStart").GetString(), reread.GetProperty("loudnessTargetLufs").GetDouble()));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_change_made_from_an_older_version_is_refused_with_409_and_audited_as_refused()
    {
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/settings", Valid())).StatusCode);
        var other = Valid();
        other["name"] = "Xã Khác";

        using var stale = await _host.Http.PutAsJsonAsync("/api/settings", other);

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("application/problem+json", stale.Content.Headers.ContentType?.MediaType);
        var problem = await stale.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, problem.GetProperty("currentVersion").GetInt64());
        Assert.Equal("Xã Tân Phú", (await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings")).GetProperty("name").GetString());
        var refused = Assert.Single(Audit(), e => e.Outcome == AuditOutcome.Refused);
        Assert.Equal(AuditActions.SettingsChanged, refused.Action);
        Assert.Contains("made from version 0, version 1 is in force", refused.Detail, StringComparison.Ordinal);
        _host.AssertNoErrors();
    }

    [Theory]
    [InlineData("name", null, "name")]
    [InlineData("name", "   ", "name")]
    [InlineData("name", "Xã\nTân Phú", "name")]
    [InlineData("province", null, "province")]
    [InlineData("province", "ĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNaiĐồngNai", "province")]
    [InlineData("timeZone", null, "timeZone")]
    [InlineData("timeZone", "Mars/Olympus", "timeZone")]
    [InlineData("quietHoursEnabled", null, "quietHoursEnabled")]
    [InlineData("quietHoursStart", null, "quietHoursStart")]
    [InlineData("quietHoursStart", "10pm", "quietHoursStart")]
    [InlineData("quietHoursEnd", "25:00", "quietHoursEnd")]
    [InlineData("quietHoursEnd", "22:00", "quietHoursEnd")]
    [InlineData("schedulesNeedApproval", null, "schedulesNeedApproval")]
    [InlineData("loudnessTargetLufs", null, "loudnessTargetLufs")]
    [InlineData("loudnessTargetLufs", -30.5, "loudnessTargetLufs")]
    [InlineData("loudnessTargetLufs", -9.9, "loudnessTargetLufs")]
    [InlineData("emergencyLeadTimeMs", 99, "emergencyLeadTimeMs")]
    [InlineData("emergencyLeadTimeMs", 2001, "emergencyLeadTimeMs")]
    [InlineData("emergencyLeadTimeMs", null, "emergencyLeadTimeMs")]
    [InlineData("bulletinLeadTimeMs", 499, "bulletinLeadTimeMs")]
    [InlineData("bulletinLeadTimeMs", 60001, "bulletinLeadTimeMs")]
    [InlineData("version", null, "version")]
    public async Task Each_wrong_field_is_refused_by_name_and_nothing_changes(string field, object? value, string named)
    {
        var body = Valid();
        body[field] = value;

        using var refused = await _host.Http.PutAsJsonAsync("/api/settings", body);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal([named], errors.EnumerateObject().Select(property => property.Name));
        Assert.False(string.IsNullOrWhiteSpace(errors.GetProperty(named)[0].GetString()));
        Assert.Equal(0, (await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings")).GetProperty("version").GetInt64());
        Assert.DoesNotContain(Audit(), e => e.Action == AuditActions.SettingsChanged);
    }

    [Fact]
    public async Task Every_wrong_field_is_named_at_once_and_quiet_hours_off_need_no_times()
    {
        var body = Valid();
        body["name"] = "";
        body["loudnessTargetLufs"] = 0;
        body["bulletinLeadTimeMs"] = 1;
        using var refused = await _host.Http.PutAsJsonAsync("/api/settings", body);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["bulletinLeadTimeMs", "loudnessTargetLufs", "name"], errors.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal));
        Assert.Equal("From -30 to -10.", errors.GetProperty("loudnessTargetLufs")[0].GetString());

        var off = Valid();
        off["quietHoursEnabled"] = false;
        off["quietHoursStart"] = null;
        off["quietHoursEnd"] = "nonsense";
        using var saved = await _host.Http.PutAsJsonAsync("/api/settings", off);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var view = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(view.GetProperty("quietHoursEnabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("quietHoursStart").ValueKind);
    }

    [Fact]
    public async Task A_technician_cannot_send_quiet_hours_to_nodes_past_the_settings()
    {
        using var refused = await _host.Http.PostAsJsonAsync(
            "/api/fleet/commands", new { type = "set-quiet-hours", body = new { version = 99, timeZone = "Asia/Ho_Chi_Minh" } });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("/api/settings", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccountRoles.Technician)]
    [InlineData(AccountRoles.Viewer)]
    [InlineData(AccountRoles.Broadcaster)]
    [InlineData(AccountRoles.Approver)]
    public async Task Only_admins_may_read_or_change_the_settings(string role)
    {
        using var client = _host.ClientAs("not-admin-" + role, [role]);

        using var read = await client.GetAsync(new Uri("/api/settings", UriKind.Relative));
        using var change = await client.PutAsJsonAsync("/api/settings", Valid());

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        Assert.Equal(0, (await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_configured_time_zone_is_only_the_first_default_and_the_saved_one_is_what_pages_show()
    {
        _host.Dispose();
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Web:TimeZone"] = "Asia/Bangkok" });
        Assert.Equal("Asia/Bangkok", (await _host.Http.GetFromJsonAsync<JsonElement>("/api/settings")).GetProperty("timeZone").GetString());
        Assert.Equal("Asia/Bangkok", _host.Services.GetRequiredService<CommuneClock>().Zone.Id);

        var body = Valid();
        body["timeZone"] = "Asia/Tokyo";
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PutAsJsonAsync("/api/settings", body)).StatusCode);
        Assert.Equal("Asia/Tokyo", _host.Services.GetRequiredService<CommuneClock>().Zone.Id);

        _host.Dispose();
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Web:TimeZone"] = "Asia/Bangkok" });
        Assert.Equal("Asia/Tokyo", _host.Services.GetRequiredService<CommuneClock>().Zone.Id);
        Assert.Contains("Asia/Tokyo", await _host.Http.GetStringAsync("/"), StringComparison.Ordinal);
    }

    private List<AuditEntry> Audit()
    {
        var now = _host.Clock.GetUtcNow();
        return [.. _host.Services.GetRequiredService<AuditTrail>().Between(now.AddDays(-1), now.AddDays(1))];
    }
}
