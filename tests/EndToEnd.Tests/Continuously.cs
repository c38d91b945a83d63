namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// Checks that something observable only through an API stays true for a whole window (a node that must not blink
/// offline): the window is the behaviour under test, so it is real time by nature, not a wait for an event.
/// </summary>
internal static class Continuously
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan window, string because)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetElapsedTime(started) < window)
        {
            if (!await condition())
            {
                throw new InvalidOperationException(
                    $"Stopped being true after {TimeProvider.System.GetElapsedTime(started).TotalSeconds:F1} s: {because}");
            }

            await Task.Delay(Interval);
        }
    }
}
