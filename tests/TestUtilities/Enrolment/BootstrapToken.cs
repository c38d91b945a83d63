using System.Globalization;
using SmartLoudspeaker.Protocol.Enrolment;

namespace SmartLoudspeaker.TestUtilities.Enrolment;

/// <summary>
/// An enrolment token for a test: the settings that give it to the Controller (<c>Enrolment:BootstrapTokens</c>) and
/// to nodes (<c>Node:Enrolment:Token</c>), so nodes started by a test enrol themselves the real way.
/// </summary>
/// <param name="Token">The written token, <c>{id}.{secret}</c>.</param>
/// <param name="Zones">Zones it gives.</param>
/// <param name="Expires">When it expires.</param>
/// <param name="MaxUses">How many nodes it may enrol.</param>
public sealed record BootstrapToken(string Token, IReadOnlyList<string> Zones, DateTimeOffset Expires, int MaxUses)
{
    /// <summary>The token id (before the dot).</summary>
    public string Id => Token[..Token.IndexOf('.', StringComparison.Ordinal)];

    /// <summary>
    /// One token for a test run's Controllers and nodes (processes or in-process), with the zones test nodes use: a
    /// node asking for some of them gets those, any other gets them all.
    /// </summary>
    public static BootstrapToken ForTests { get; } = Create("thon-1", "thon-2", "thon-3", "zone-1", "zone-2", "zone-3", "durability");

    /// <summary>A fresh random token for <paramref name="zones"/>, valid for a year and 10,000 nodes.</summary>
    public static BootstrapToken Create(params string[] zones) =>
        new(EnrolmentTokenProof.NewToken(out _), zones.Length == 0 ? ["thon-1"] : zones, DateTimeOffset.UtcNow.AddYears(1), 10_000);

    /// <summary>The Controller's settings for it, as entry <paramref name="index"/> of <c>Enrolment:BootstrapTokens</c>.</summary>
    public IDictionary<string, string?> ControllerSettings(int index = 0)
    {
        var prefix = $"Enrolment:BootstrapTokens:{index}:";
        var settings = new Dictionary<string, string?>
        {
            [prefix + "Token"] = Token,
            [prefix + "Expires"] = Expires.ToString("o", CultureInfo.InvariantCulture),
            [prefix + "MaxUses"] = MaxUses.ToString(CultureInfo.InvariantCulture),
        };
        for (var zone = 0; zone < Zones.Count; zone++)
        {
            settings[prefix + "Zones:" + zone.ToString(CultureInfo.InvariantCulture)] = Zones[zone];
        }

        return settings;
    }

    /// <summary>A node's setting for it (<c>Node:Enrolment:Token</c>).</summary>
    public IDictionary<string, string?> NodeSettings() => new Dictionary<string, string?> { ["Node:Enrolment:Token"] = Token };

    /// <summary>The same settings as command-line arguments (<c>--key=value</c>) for a Controller or node process.</summary>
    public static IReadOnlyList<string> Arguments(IDictionary<string, string?> settings) =>
        [.. (settings ?? throw new ArgumentNullException(nameof(settings))).Select(setting => $"--{setting.Key}={setting.Value}")];
}
