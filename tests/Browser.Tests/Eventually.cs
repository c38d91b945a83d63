namespace SmartLoudspeaker.Browser.Tests;

/// <summary>How long a test waits for something that should happen soon, polling instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
}
