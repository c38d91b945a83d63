using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// The outcomes of accepted command ids, kept so that a resend (a new sequence number under the same id) is answered
/// without a second action. An id is kept while any envelope with it can still pass the expiry check — until its
/// <c>exp</c> plus <see cref="CommandVerifier.MaxClockSkew"/> on trusted time — and is never forgotten earlier: a
/// resend's new number passes the replay guard whatever its lifetime, so the id is the only thing that recognises it.
/// Without trusted time nothing expires (the node cannot tell), so entries are kept until time is trusted again. The
/// count is bounded by <see cref="Capacity"/>; when it is full of unexpired ids, a new id is refused (fails closed)
/// rather than an old one forgotten. Not thread-safe: <see cref="SignedControl"/>'s one worker owns it.
/// </summary>
internal sealed class OutcomeCache
{
    /// <summary>
    /// Unexpired ids kept at most, as many as the replay guard remembers numbers: far more than a node accepts within
    /// the longest command lifetime (24 h) in normal service, yet at most about 1 MB on disk.
    /// </summary>
    public const int Capacity = ReplayGuard.Capacity;

    private readonly Dictionary<string, CommandOutcome> _outcomes = new(StringComparer.Ordinal);

    /// <summary>Resumes with <paramref name="stored"/>, all kept (none can be judged expired before time is known).</summary>
    public OutcomeCache(IEnumerable<CommandOutcome> stored)
    {
        foreach (var outcome in stored)
        {
            _outcomes[outcome.Id] = outcome;
        }
    }

    /// <summary>Ids remembered.</summary>
    public int Count => _outcomes.Count;

    /// <summary>What to persist, oldest decision first.</summary>
    public IEnumerable<CommandOutcome> Outcomes => _outcomes.Values.OrderBy(outcome => outcome.Ts);

    /// <summary>The outcome remembered for <paramref name="id"/>, if any.</summary>
    public bool TryGet(string id, out CommandOutcome outcome) => _outcomes.TryGetValue(id, out outcome!);

    /// <summary>
    /// Remembers the outcome of a new id, after dropping what <paramref name="time"/> (if trusted) shows expired; false,
    /// and nothing remembered, when <see cref="Capacity"/> unexpired ids are held.
    /// </summary>
    public bool TryAdd(CommandOutcome outcome, TrustedTime time)
    {
        DropExpired(time);
        if (_outcomes.Count >= Capacity)
        {
            return false;
        }

        _outcomes.Add(outcome.Id, outcome);
        return true;
    }

    /// <summary>Replaces the outcome of an id already remembered.</summary>
    public CommandOutcome Update(CommandOutcome outcome)
    {
        if (!_outcomes.ContainsKey(outcome.Id))
        {
            throw new InvalidOperationException($"command {outcome.Id} is not remembered");
        }

        _outcomes[outcome.Id] = outcome;
        return outcome;
    }

    /// <summary>Forgets every id whose envelopes the verifier now refuses as expired; nothing without trusted time.</summary>
    public void DropExpired(TrustedTime time)
    {
        if (!time.Trusted)
        {
            return;
        }

        foreach (var id in _outcomes.Values.Where(outcome => time.Now > outcome.Exp + CommandVerifier.MaxClockSkew).Select(outcome => outcome.Id).ToList())
        {
            _outcomes.Remove(id);
        }
    }
}
