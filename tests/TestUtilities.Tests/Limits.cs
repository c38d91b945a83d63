namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Bounds for waits in these tests: long enough for a loaded 2-core CI box, short enough to fail fast.</summary>
internal static class Limits
{
    /// <summary>For anything that should happen promptly on loopback.</summary>
    public static readonly TimeSpan Prompt = TimeSpan.FromSeconds(20);

    /// <summary>For proving that something does not happen: nothing arrives while a link is stalled.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
}
