using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;

namespace SmartLoudspeaker.Node.Tests;

public sealed class NodeOptionsTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Node:NodeId"] = "nha-van-hoa-01",
        ["Node:Zones:0"] = "thon-1",
        ["Node:Brokers:0:Host"] = "10.0.0.1",
        ["Node:Brokers:0:Port"] = "1883",
        ["Node:Brokers:1:Host"] = "10.0.0.2",
        ["Node:Brokers:1:Port"] = "1883",
        ["Node:Heartbeat"] = "00:00:45",
    };

    [Fact]
    public void A_valid_section_binds_with_timespans_and_two_brokers()
    {
        var options = Resolve(Valid);

        Assert.Equal("nha-van-hoa-01", options.NodeId);
        Assert.Equal(["thon-1"], options.Zones);
        Assert.Equal(2, options.Brokers.Count);
        Assert.Equal("10.0.0.2", options.Brokers[1].Host);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Heartbeat);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlive);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconnectBackoffCap);
        Assert.Equal(TimeSpan.FromSeconds(25), options.ReconnectWindow);
        Assert.Equal(TimeSpan.FromMinutes(1), options.FailbackProbeInterval);
        Assert.Equal(3, options.FailbackAfterHealthyProbes);
        Assert.Equal(1000, options.OutboxCapacity);
        Assert.False(options.Simulation.Enabled);
        Assert.Equal(6, options.Simulation.NodeCount);
        Assert.Equal(3, options.Simulation.ZoneCount);
        Assert.Equal("sim", options.Simulation.IdPrefix);
        Assert.Null(options.Enrolment.Token);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Enrolment.WaitForApproval);
    }

    [Fact]
    public void A_token_as_a_technician_makes_it_is_accepted()
    {
        var token = Protocol.Enrolment.EnrolmentTokenProof.NewToken(out _);

        Assert.Equal(token, Resolve(new Dictionary<string, string?>(Valid) { ["Node:Enrolment:Token"] = token }).Enrolment.Token);
    }

    [Theory]
    [InlineData("Node:NodeId", null, "Invalid setting Node:NodeId = (not set): must be 1–64 characters of a–z, 0–9 and '-', not starting with '-'.")]
    [InlineData("Node:NodeId", "Nha Van Hoa", "Invalid setting Node:NodeId = \"Nha Van Hoa\": must be 1–64 characters of a–z, 0–9 and '-', not starting with '-'.")]
    [InlineData("Node:NodeId", "-leading", "Invalid setting Node:NodeId = \"-leading\": must be 1–64 characters of a–z, 0–9 and '-', not starting with '-'.")]
    [InlineData("Node:Heartbeat", "00:00:00", "Invalid setting Node:Heartbeat = 00:00:00: must be whole seconds between 00:00:01 and 00:05:00.")]
    [InlineData("Node:Heartbeat", "00:05:01", "Invalid setting Node:Heartbeat = 00:05:01: must be whole seconds between 00:00:01 and 00:05:00.")]
    [InlineData("Node:Heartbeat", "00:00:01.500", "Invalid setting Node:Heartbeat = 00:00:01.5000000: must be whole seconds between 00:00:01 and 00:05:00.")]
    [InlineData("Node:KeepAlive", "00:00:00", "Invalid setting Node:KeepAlive = 00:00:00: must be between 00:00:01 and 18:12:15.")]
    [InlineData("Node:ReconnectWindow", "00:00:00", "Invalid setting Node:ReconnectWindow = 00:00:00: must be positive.")]
    [InlineData("Node:ReconnectBackoffCap", "00:00:00.5", "Invalid setting Node:ReconnectBackoffCap = 00:00:00.5000000: must be at least Node:ReconnectWindow (00:00:25) and at most 01:00:00.")]
    [InlineData("Node:Brokers:0:Port", "70000", "Invalid setting Node:Brokers:0:Port = 70000: must be a TCP port (1–65535).")]
    [InlineData("Node:FailbackProbeInterval", "00:00:00", "Invalid setting Node:FailbackProbeInterval = 00:00:00: must be between 00:00:01 and 1.00:00:00.")]
    [InlineData("Node:FailbackProbeInterval", "2.00:00:00", "Invalid setting Node:FailbackProbeInterval = 2.00:00:00: must be between 00:00:01 and 1.00:00:00.")]
    [InlineData("Node:FailbackAfterHealthyProbes", "0", "Invalid setting Node:FailbackAfterHealthyProbes = 0: must be 1–1000.")]
    [InlineData("Node:OutboxCapacity", "0", "Invalid setting Node:OutboxCapacity = 0: must be 1–100000.")]
    [InlineData("Node:Zones:1", "Zone B", "Invalid setting Node:Zones:1 = \"Zone B\": must be 1–64 characters of a–z, 0–9 and '-', not starting with '-'.")]
    [InlineData("Node:Enrolment:Token", "t1.c2hvcnQ", "Invalid setting Node:Enrolment:Token = \"(hidden)\": must be an enrolment token {tokenId}.{secret} as a technician made it (an id, a dot, base64url of at least 16 bytes).")]
    [InlineData("Node:Enrolment:Token", "no-secret", "Invalid setting Node:Enrolment:Token = \"(hidden)\": must be an enrolment token {tokenId}.{secret} as a technician made it (an id, a dot, base64url of at least 16 bytes).")]
    [InlineData("Node:Enrolment:WaitForApproval", "00:00:00", "Invalid setting Node:Enrolment:WaitForApproval = 00:00:00: must be between 00:00:01 and 00:10:00.")]
    [InlineData("Node:Enrolment:WaitForApproval", "00:11:00", "Invalid setting Node:Enrolment:WaitForApproval = 00:11:00: must be between 00:00:01 and 00:10:00.")]
    public void Bad_values_fail_at_start_with_one_line_naming_the_setting_the_value_and_what_is_allowed(string key, string? value, string expected)
    {
        var values = new Dictionary<string, string?>(Valid) { [key] = value };
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(values));
        Assert.Equal(expected, Assert.Single(error.Failures));
    }

    [Fact]
    public void No_brokers_is_refused()
    {
        var values = Valid.Where(pair => !pair.Key.StartsWith("Node:Brokers", StringComparison.Ordinal)).ToDictionary();
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(values));
        Assert.Contains("Invalid setting Node:Brokers = (not set): must list at least one broker (Host and Port).", error.Failures);
    }

    [Fact]
    public void No_zones_is_refused_for_a_real_node()
    {
        var values = Valid.Where(pair => pair.Key != "Node:Zones:0").ToDictionary();
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(values));
        Assert.Contains("Invalid setting Node:Zones = (not set): must name at least one zone.", error.Failures);
    }

    [Fact]
    public void Simulation_needs_no_node_id_but_checks_its_own_numbers()
    {
        var values = new Dictionary<string, string?>
        {
            ["Node:Brokers:0:Host"] = "127.0.0.1",
            ["Node:Simulation:Enabled"] = "true",
        };
        Assert.True(Resolve(values).Simulation.Enabled);

        values["Node:Simulation:NodeCount"] = "0";
        values["Node:Simulation:IdPrefix"] = "Sim";
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(values));
        Assert.Contains("Invalid setting Node:Simulation:NodeCount = 0: must be 1–999.", error.Failures);
        Assert.Contains("Invalid setting Node:Simulation:IdPrefix = \"Sim\":", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulated_clocks_default_to_true_time_and_bind_from_configuration()
    {
        var values = new Dictionary<string, string?>
        {
            ["Node:Brokers:0:Host"] = "127.0.0.1",
            ["Node:Simulation:Enabled"] = "true",
        };
        var defaults = Resolve(values).Simulation;
        Assert.Equal(TimeSpan.Zero, defaults.ClockOffsetSpread);
        Assert.Equal(0, defaults.ClockDriftSpreadPpm);
        Assert.Equal(0, defaults.Seed);
        Assert.Null(defaults.AudioOutputFolder);

        values["Node:Simulation:ClockOffsetSpread"] = "00:00:01.500";
        values["Node:Simulation:ClockDriftSpreadPpm"] = "80";
        values["Node:Simulation:Seed"] = "-7";
        values["Node:Simulation:AudioOutputFolder"] = "audio";
        var bound = Resolve(values).Simulation;
        Assert.Equal(TimeSpan.FromSeconds(1.5), bound.ClockOffsetSpread);
        Assert.Equal(80, bound.ClockDriftSpreadPpm);
        Assert.Equal(-7, bound.Seed);
        Assert.Equal("audio", bound.AudioOutputFolder);
    }

    [Theory]
    [InlineData("Node:Simulation:ClockOffsetSpread", "00:00:05.001", "Invalid setting Node:Simulation:ClockOffsetSpread = 00:00:05.0010000: must be between 00:00:00 and 00:00:05.")]
    [InlineData("Node:Simulation:ClockOffsetSpread", "-00:00:01", "Invalid setting Node:Simulation:ClockOffsetSpread = -00:00:01: must be between 00:00:00 and 00:00:05.")]
    [InlineData("Node:Simulation:ClockDriftSpreadPpm", "500.5", "Invalid setting Node:Simulation:ClockDriftSpreadPpm = 500.5: must be 0–500 (ppm).")]
    [InlineData("Node:Simulation:ClockDriftSpreadPpm", "-1", "Invalid setting Node:Simulation:ClockDriftSpreadPpm = -1: must be 0–500 (ppm).")]
    [InlineData("Node:Simulation:ClockDriftSpreadPpm", "NaN", "Invalid setting Node:Simulation:ClockDriftSpreadPpm = NaN: must be 0–500 (ppm).")]
    [InlineData("Node:Simulation:AudioOutputFolder", " ", "Invalid setting Node:Simulation:AudioOutputFolder = \" \" (empty): must be a folder path, or not set to keep the audio in memory.")]
    public void Bad_simulated_clock_settings_fail_naming_the_setting(string key, string value, string expected)
    {
        var values = new Dictionary<string, string?>
        {
            ["Node:Brokers:0:Host"] = "127.0.0.1",
            ["Node:Simulation:Enabled"] = "true",
            [key] = value,
        };
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(values));
        Assert.Equal(expected, Assert.Single(error.Failures));
    }

    [Fact]
    public void The_largest_simulated_clock_spreads_are_accepted()
    {
        var values = new Dictionary<string, string?>
        {
            ["Node:Brokers:0:Host"] = "127.0.0.1",
            ["Node:Simulation:Enabled"] = "true",
            ["Node:Simulation:ClockOffsetSpread"] = "00:00:05",
            ["Node:Simulation:ClockDriftSpreadPpm"] = "500",
        };
        Assert.Equal(500, Resolve(values).Simulation.ClockDriftSpreadPpm);
    }

    [Fact]
    public void The_host_registers_the_worker_or_the_fleet_simulator()
    {
        Assert.IsType<NodeWorker>(Assert.Single(HostedServices(Valid)));
        var simulated = new Dictionary<string, string?>(Valid) { ["Node:Simulation:Enabled"] = "true" };
        Assert.IsType<FleetSimulator>(Assert.Single(HostedServices(simulated)));
    }

    [Fact]
    public async Task ValidateOnStart_stops_the_host_before_it_runs()
    {
        var values = new Dictionary<string, string?>(Valid) { ["Node:NodeId"] = null };
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSmartLoudspeakerNode(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Invalid setting Node:NodeId = (not set):", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_appsettings_are_valid()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .Build();
        var options = Resolve(configuration);
        Assert.Equal("127.0.0.1", Assert.Single(options.Brokers).Host);
        Assert.Equal(1883, options.Brokers[0].Port);
    }

    [Fact]
    public void The_shipped_appsettings_are_valid_for_the_fleet_simulator_with_true_clocks_and_audio_in_memory()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Node:Simulation:Enabled"] = "true" })
            .Build();
        var simulation = Resolve(configuration).Simulation;
        Assert.Equal(TimeSpan.Zero, simulation.ClockOffsetSpread);
        Assert.Equal(0, simulation.ClockDriftSpreadPpm);
        Assert.Null(simulation.AudioOutputFolder);
    }

    private static NodeOptions Resolve(IDictionary<string, string?> values) =>
        Resolve(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

    private static NodeOptions Resolve(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSmartLoudspeakerNode(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NodeOptions>>().Value;
    }

    private static List<IHostedService> HostedServices(IDictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSmartLoudspeakerNode(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetServices<IHostedService>().ToList();
    }
}
