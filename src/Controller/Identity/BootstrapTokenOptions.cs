namespace SmartLoudspeaker.Controller.Identity;

/// <summary>One enrolment token from configuration (<c>Enrolment:BootstrapTokens:{n}</c>).</summary>
public sealed class BootstrapTokenOptions
{
    /// <summary>The token as a node is given it: <c>{tokenId}.{secret}</c> (the secret at least 16 bytes, base64url).</summary>
    public string? Token { get; set; }

    /// <summary>Zones a node enrolled with it is given (1–16 zone ids).</summary>
    public IList<string> Zones { get; } = [];

    /// <summary>When it stops approving (an ISO 8601 instant with its offset).</summary>
    public DateTimeOffset? Expires { get; set; }

    /// <summary>How many nodes it may enrol (1–100000).</summary>
    public int MaxUses { get; set; } = 100;
}
