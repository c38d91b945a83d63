namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// Waits for a condition observable only through an API (the Controller's REST view) by asking again after each
/// short pause, with a deadline. Used where no event exists to await: the HTTP API is the observable behaviour.
/// </summary>
internal static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Returns how long the condition took to become true; throws after <paramref name="timeout"/>.</summary>
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        var limit = timeout ?? Timeout;
        while (!await condition())
        {
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            if (elapsed > limit)
            {
                throw new TimeoutException($"Not true after {elapsed.TotalSeconds:F1} s: {because ?? "condition"}");
            }

            await Task.Delay(Interval);
        }

        return TimeProvider.System.GetElapsedTime(started);
    }
}
