using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class OptionsValidationTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new BrokerOptionsValidator().Validate(null, new BrokerOptions()).Succeeded);
        Assert.True(new StoreOptionsValidator().Validate(null, new StoreOptions()).Succeeded);
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions()).Succeeded);
    }

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var broker = new BrokerOptions();
        var fleet = new FleetOptions();
        Assert.Equal((BrokerMode.Embedded, 1883), (broker.Mode, broker.Port));
        Assert.Equal("data", new StoreOptions().DataDirectory);
        Assert.Equal((80d, 90d, 2.5, TimeSpan.FromSeconds(1), 120), (fleet.OverheatCelsius, fleet.DiskNearlyFullPercent, fleet.OfflineAfterHeartbeats, fleet.SweepInterval, fleet.HistoryPerNode));
        Assert.Equal(TimeSpan.FromMinutes(5), fleet.MaxHeartbeat);
    }

    [Fact]
    public void An_external_broker_needs_a_host()
    {
        var result = new BrokerOptionsValidator().Validate(null, new BrokerOptions { Mode = BrokerMode.External });
        Assert.Equal("Invalid setting Broker:Host = (not set): must be the broker's host name or address when Broker:Mode is External.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65536)]
    public void A_port_out_of_range_is_named(int port)
    {
        var result = new BrokerOptionsValidator().Validate(null, new BrokerOptions { Port = port });
        Assert.Contains("Broker:Port", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bind_address_must_be_an_ip_address()
    {
        var result = new BrokerOptionsValidator().Validate(null, new BrokerOptions { BindAddress = "everywhere" });
        Assert.Contains("Broker:BindAddress", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bad_fleet_threshold_is_reported_at_once()
    {
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions
        {
            OverheatCelsius = -5,
            DiskNearlyFullPercent = 0,
            OfflineAfterHeartbeats = 0.5,
            SweepInterval = TimeSpan.Zero,
            HistoryPerNode = 0,
        });
        Assert.False(result.Succeeded);
        foreach (var key in new[] { "Fleet:OverheatCelsius", "Fleet:DiskNearlyFullPercent", "Fleet:OfflineAfterHeartbeats", "Fleet:SweepInterval", "Fleet:HistoryPerNode" })
        {
            Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(9)]
    [InlineData(301)]
    [InlineData(3600)]
    [InlineData(30.5)]
    public void A_heartbeat_cap_outside_the_protocols_range_is_refused_in_the_one_line_form(double seconds)
    {
        var cap = TimeSpan.FromSeconds(seconds);
        var result = new FleetOptionsValidator().Validate(null, new FleetOptions { MaxHeartbeat = cap });
        Assert.Equal($"Invalid setting Fleet:MaxHeartbeat = {cap:c}: must be whole seconds between 00:00:10 and 00:05:00.", Assert.Single(result.Failures!));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    public void A_heartbeat_cap_within_the_protocols_range_is_accepted(int seconds) =>
        Assert.True(new FleetOptionsValidator().Validate(null, new FleetOptions { MaxHeartbeat = TimeSpan.FromSeconds(seconds) }).Succeeded);

    [Fact]
    public void An_empty_data_directory_is_refused()
    {
        var result = new StoreOptionsValidator().Validate(null, new StoreOptions { DataDirectory = " " });
        Assert.Contains("Store:DataDirectory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_command_retention_shorter_than_a_day_is_refused_in_the_one_line_form()
    {
        var result = new StoreOptionsValidator().Validate(null, new StoreOptions { CommandRetention = TimeSpan.FromHours(1) });
        Assert.Equal(
            "Invalid setting Store:CommandRetention = 01:00:00: must be at least 1.00:00:00 (a command lives at most a day).",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void The_host_refuses_to_start_with_invalid_configuration_and_says_which_key()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Create(data.Path, settings: new Dictionary<string, string?> { ["Fleet:SweepInterval"] = "00:00:00" });
        var exception = Assert.ThrowsAny<OptionsValidationException>(host.StartServer);
        Assert.Contains("Fleet:SweepInterval", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_bind_from_timespan_strings()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?> { ["Fleet:SweepInterval"] = "00:00:02.5" });
        var options = (IOptions<FleetOptions>)host.Services.GetService(typeof(IOptions<FleetOptions>))!;
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Value.SweepInterval);
    }
}
