using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Scripts of faults over time, on a fake clock for timing and on a real link for effect.</summary>
public sealed class FaultScriptTests
{
    [Fact]
    public async Task Steps_run_in_order_each_when_due_after_the_previous_one()
    {
        await using var server = TestTcpServer.StartEcho();
        var time = new FakeTimeProvider();
        await using var proxy = new LoopbackTcpProxy(server.Port, time);
        var log = new List<string>();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var script = proxy.RunScriptAsync(
        [
            new FaultStep(TimeSpan.FromSeconds(1), p =>
            {
                p.Stall();
                log.Add("stall");
                stalled.SetResult();
            }),
            new FaultStep(TimeSpan.FromSeconds(2), p =>
            {
                p.Resume();
                log.Add("resume");
                resumed.SetResult();
            }),
            new FaultStep(TimeSpan.Zero, p => log.Add("right after")),
        ]);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Empty(log);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await stalled.Task.WaitAsync(Limits.Prompt);
        Assert.Equal(LinkState.Stalled, proxy.State);

        // The second step is due 2 s after the first was due, i.e. at 3 s.
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(resumed.Task.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await script.WaitAsync(Limits.Prompt);

        Assert.Equal(["stall", "resume", "right after"], log);
        Assert.Equal(LinkState.Flowing, proxy.State);
    }

    [Fact]
    public async Task A_script_on_the_real_clock_stalls_then_resumes_a_live_link()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        await client.GetStream().WriteAsync(new byte[] { 0 });
        await Wire.ReadExactlyAsync(client.GetStream(), 1);

        var script = proxy.RunScriptAsync(
        [
            new FaultStep(TimeSpan.Zero, p => p.Stall()),
            // The stall outlasts the 200 ms look by far, so a busy machine's late timers cannot make the echo early.
            new FaultStep(TimeSpan.FromSeconds(3), p => p.Resume()),
        ]);
        await client.GetStream().WriteAsync(new byte[] { 1 });
        var echoed = Wire.ReadExactlyAsync(client.GetStream(), 1);

        await Assert.ThrowsAsync<TimeoutException>(() => echoed.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal([1], await echoed);
        await script.WaitAsync(Limits.Prompt);
    }

    [Fact]
    public void A_step_cannot_be_due_before_the_previous_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaultStep(TimeSpan.FromSeconds(-1), p => p.Stall()));
    }
}
