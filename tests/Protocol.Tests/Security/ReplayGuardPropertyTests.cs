using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

public sealed class ReplayGuardPropertyTests
{
    private const long Start = 1_777_593_600_000_000;

    /// <summary>
    /// Distinct numbers spanning less than the window, delivered in any order with copies of some of them mixed in and
    /// a reboot anywhere: each number is accepted exactly once, at its first delivery, and every copy is refused as seen.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property Any_order_of_numbers_within_the_window_is_accepted_once_each_and_every_copy_refused()
    {
        var numbers = Gen.Choose(0, (int)ReplayGuard.Window - 1).Select(offset => Start + offset).ArrayOf()
            .Select(array => array.Distinct().ToArray());
        var deliveries = numbers.SelectMany(
            distinct => Gen.Shuffle(distinct.Concat(distinct.Where((_, index) => index % 3 == 0))).Zip(Gen.Choose(0, distinct.Length)));

        return Prop.ForAll(deliveries.ToArbitrary(), delivery =>
        {
            var (order, rebootAt) = delivery;
            var guard = new ReplayGuard(ReplayState.Empty);
            var accepted = new HashSet<long>();
            for (var index = 0; index < order.Length; index++)
            {
                if (index == rebootAt)
                {
                    guard = new ReplayGuard(guard.State);
                }

                var expected = accepted.Add(order[index]) ? ReplayDecision.Accepted : ReplayDecision.Seen;
                if (guard.Admit(order[index]) != expected)
                {
                    return false;
                }
            }

            return true;
        });
    }

    /// <summary>
    /// Whatever arrives — numbers far apart or close, old and new, copies, past the capacity, with reboots — no number
    /// is ever accepted twice, nothing at or below the floor is accepted, and the remembered set stays within capacity.
    /// </summary>
    [Property(MaxTest = 40)]
    public bool No_number_is_ever_accepted_twice_and_memory_stays_bounded(int seed)
    {
        var random = new Random(seed);
        var guard = new ReplayGuard(ReplayState.Empty);
        var accepted = new HashSet<long>();
        var delivered = new List<long>();
        var clock = Start;
        for (var step = 0; step < 2 * ReplayGuard.Capacity; step++)
        {
            clock += random.Next(0, 200_000);
            var seq = random.Next(10) switch
            {
                < 3 when delivered.Count > 0 => delivered[random.Next(delivered.Count)],
                3 => clock - random.NextInt64(2 * ReplayGuard.Window),
                _ => clock - random.Next(0, 5_000_000),
            };

            if (random.Next(500) == 0)
            {
                guard = new ReplayGuard(guard.State);
            }

            var floor = guard.Floor;
            var decision = guard.Admit(seq);
            delivered.Add(seq);
            if (decision == ReplayDecision.Accepted && (!accepted.Add(seq) || seq <= floor))
            {
                return false;
            }

            if (decision == ReplayDecision.Seen && !accepted.Contains(seq))
            {
                return false;
            }

            if (step % 512 == 0 && guard.State.Recent.Count > ReplayGuard.Capacity)
            {
                return false;
            }
        }

        return guard.State.Recent.Count <= ReplayGuard.Capacity;
    }
}
