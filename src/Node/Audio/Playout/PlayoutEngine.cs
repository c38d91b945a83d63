using System.Collections.Concurrent;
using System.Threading.Channels;
using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Time;
using ArbiterCore = SmartLoudspeaker.Node.Audio.Arbiter.Arbiter;

namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// The node's playout loop: every 10 ms block it reads the Controller clock, places the block on the
/// <see cref="ControllerTimeline"/> (<see cref="SlipCorrector"/>), lets the <see cref="ArbiterCore"/> decide, renders
/// what sounds at the content position the timeline gives, and writes it to the sink, which paces the loop.
/// </summary>
/// <remarks>
/// <para>
/// The arbiter is driven at the block's decision horizon: the instant of the block's end plus one fade. So a play due
/// in the block after next is decided now, the fade-out of what it preempts runs in this block, and the new play still
/// starts on its exact sample. Reports are stamped with that horizon.
/// </para>
/// <para>
/// Without a Controller-clock estimate nothing timed may sound: the block is silence and the cursor is forgotten, so the
/// next estimate re-seats it and what plays comes back with a fade-in at its timeline position.
/// </para>
/// <para>
/// Commands (<see cref="Submit"/>, <see cref="Stop"/>) arrive on MQTT threads and are queued into the loop; everything
/// else belongs to the loop alone.
/// </para>
/// </remarks>
internal sealed class PlayoutEngine : IDisposable
{
    /// <summary>Samples per block: 10 ms, small enough for an exact start, large enough to keep a Pi idle.</summary>
    public const int BlockSamples = 480;

    private readonly Func<IAudioSink> _sinkFactory;
    private readonly IControllerTime _time;
    private readonly ArbiterCore _arbiter;
    private readonly TimeProvider _timeProvider;
    private readonly PlayoutOptions _options;
    private readonly SlipCorrector _corrector = new();
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly Dictionary<string, (PlayRequest Request, IPlayContent Content)> _plays = new(StringComparer.Ordinal);
    private readonly Channel<ArbiterReport> _reports = Channel.CreateUnbounded<ArbiterReport>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly float[] _block = new float[BlockSamples];
    private readonly float[] _scratch = new float[BlockSamples];
    private IAudioSink? _sink;
    private long? _cursor;
    private long _blockCursor;
    private DateTimeOffset _horizon;
    private int _writtenSinceDecide;
    private bool _timeLost;
    private float _gain = -1;
    private int _volume = 100;
    private PlayoutVoice? _current;
    private PlayoutVoice? _outgoing;

    public PlayoutEngine(Func<IAudioSink> sinkFactory, IControllerTime time, ArbiterCore arbiter, TimeProvider timeProvider, PlayoutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sinkFactory);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(arbiter);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _sinkFactory = sinkFactory;
        _time = time;
        _arbiter = arbiter;
        _timeProvider = timeProvider;
        _options = options ?? new PlayoutOptions();
    }

    /// <summary>The device failed or could not be opened; the loop goes on (retry, reopen later).</summary>
    public event EventHandler<AudioSinkException>? SinkFault;

    /// <summary>The arbiter's play reports, in order, for the Controller.</summary>
    public ChannelReader<ArbiterReport> Reports => _reports.Reader;

    /// <summary>Software volume 0–100 (see <see cref="SoftwareVolume"/>); ramps over one block, so a change never clicks.</summary>
    public int Volume
    {
        get => Volatile.Read(ref _volume);
        set => Volatile.Write(ref _volume, Math.Clamp(value, 0, 100));
    }

    /// <summary>True while a device is open; false while the loop waits to open one (gone, or never there).</summary>
    public bool DeviceOpen => Volatile.Read(ref _sink) is not null;

    /// <summary>A new play with its content; thread-safe, decided in the loop's next block.</summary>
    public void Submit(PlayRequest request, IPlayContent content)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(content);
        _commands.Enqueue(() =>
        {
            _plays.TryAdd(request.PlayId, (request, content));
            Follow(_arbiter.Submit(request, _horizon));
        });
    }

    /// <summary>Stops a play (sounding: faded out; waiting: dropped); thread-safe.</summary>
    public void Stop(string playId)
    {
        ArgumentException.ThrowIfNullOrEmpty(playId);
        _commands.Enqueue(() => Follow(_arbiter.Stop(playId, _horizon)));
    }

    /// <summary>Runs blocks until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await StepAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One block: open the sink if needed, render, write (retrying an xrun). Exposed so tests step it.</summary>
    public async ValueTask StepAsync(CancellationToken cancellationToken)
    {
        if (_sink is null && !TryOpen())
        {
            await Task.Delay(_options.ReopenDelay, _timeProvider, cancellationToken);
            return;
        }

        var sink = _sink!;
        var instant = Render(sink);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await sink.WriteAsync(_block, instant, cancellationToken);
                _writtenSinceDecide += _block.Length;
                return;
            }
            catch (AudioSinkException e) when (e.Fault == AudioSinkFault.Xrun && attempt < _options.MaxXrunRetries)
            {
                SinkFault?.Invoke(this, e);
            }
            catch (AudioSinkException e)
            {
                SinkFault?.Invoke(this, e);
                Lose();
                return;
            }
        }
    }

    public void Dispose() => _sink?.Dispose();

    private bool TryOpen()
    {
        try
        {
            _sink = _sinkFactory();
            return true;
        }
        catch (AudioSinkException e)
        {
            SinkFault?.Invoke(this, e);
            return false;
        }
    }

    /// <summary>The device is gone: the timeline position it held is meaningless for the next one.</summary>
    private void Lose()
    {
        _sink?.Dispose();
        _sink = null;
        _cursor = null;
        _outgoing = null;
        _timeLost = true;
    }

    /// <summary>Fills <see cref="_block"/>; returns the content instant of its first sample when something sounds.</summary>
    private DateTimeOffset? Render(IAudioSink sink)
    {
        Array.Clear(_block);
        var reading = _time.Read();
        if (reading is null)
        {
            _cursor = null;
            _outgoing = null;
            _timeLost = true;
            return null;
        }

        var measured = ControllerTimeline.ToSample(reading.Value.ControllerNow) + sink.Delay;
        var sounding = _outgoing is not null || (_current is not null && _current.Anchor < _cursor);
        var cursor = _cursor is { } c ? _corrector.Decide(c, measured, sounding, _writtenSinceDecide).Cursor : measured;
        _writtenSinceDecide = 0;
        if (_timeLost && _current is not null)
        {
            _current.FadeInStart = Math.Max(cursor, _current.Anchor);
        }

        _timeLost = false;
        _blockCursor = cursor;
        _horizon = ControllerTimeline.ToInstant(cursor + BlockSamples + FadeGain.Samples);
        while (_commands.TryDequeue(out var command))
        {
            command();
        }

        Follow(_arbiter.Tick(_horizon));

        var audible = false;
        if (_outgoing is { } outgoing)
        {
            audible |= Mix(outgoing, cursor);
            if (outgoing.Ended || outgoing.FadeOutStart + FadeGain.Samples <= cursor + BlockSamples)
            {
                _outgoing = null;
            }
        }

        if (_current is { } current)
        {
            audible |= Mix(current, cursor);
            if (current.Ended)
            {
                Follow(_arbiter.Finished(current.PlayId, _horizon));
            }
        }

        ApplyVolume();
        _cursor = cursor + BlockSamples;
        return audible ? ControllerTimeline.ToInstant(cursor) : null;
    }

    /// <summary>Adds a voice's samples of the block starting at <paramref name="cursor"/>; true when it sounded.</summary>
    private bool Mix(PlayoutVoice voice, long cursor)
    {
        var from = Math.Max(cursor, voice.Anchor);
        var to = cursor + BlockSamples;
        if (voice.FadeOutStart is { } fadeOut)
        {
            to = Math.Min(to, fadeOut + FadeGain.Samples);
        }

        if (from >= to)
        {
            return false;
        }

        var count = (int)(to - from);
        var buffer = _scratch.AsSpan(0, count);
        var got = voice.Content.Read(from - voice.Anchor + voice.OffsetAtAnchor, buffer);
        if (got < count)
        {
            voice.Ended = true;
        }

        for (var i = 0; i < got; i++)
        {
            var t = from + i;
            var gain = FadeGain.In(t - voice.FadeInStart) * (voice.FadeOutStart is { } fo ? FadeGain.Out(t - fo) : 1f);
            _block[(int)(t - cursor)] += buffer[i] * gain;
        }

        return got > 0;
    }

    /// <summary>Scales the block by the volume, ramping from the previous block's gain so a change is not a step.</summary>
    private void ApplyVolume()
    {
        var target = SoftwareVolume.Gain(Volume, _options.MaxVolume);
        var start = _gain < 0 ? target : _gain;
        for (var i = 0; i < _block.Length; i++)
        {
            _block[i] *= start + ((target - start) * (i + 1) / _block.Length);
        }

        _gain = target;
    }

    /// <summary>Carries out an arbiter decision: cuts become fade-outs, begins are placed on the timeline.</summary>
    private void Follow(ArbiterResult result)
    {
        foreach (var action in result.Actions)
        {
            switch (action)
            {
                case CutPlay cut when _current?.PlayId == cut.PlayId:
                    // A play that has not sounded yet needs no fade: it simply never starts.
                    if (_current.Anchor < _blockCursor + BlockSamples)
                    {
                        _current.FadeOutStart = Math.Max(_blockCursor, _current.Anchor);
                        _outgoing = _current;
                    }

                    _current = null;
                    break;
                case BeginPlay begin when _plays.TryGetValue(begin.PlayId, out var play):
                    _current = Place(begin, play.Request, play.Content);
                    break;
                default:
                    break;
            }
        }

        foreach (var report in result.Reports)
        {
            if (report.Kind is PlayReportKind.Finished or PlayReportKind.Failed or PlayReportKind.Superseded)
            {
                _plays.Remove(report.PlayId);
            }

            _reports.Writer.TryWrite(report);
        }
    }

    /// <summary>
    /// Where a begun play goes on the timeline. Not before the block being rendered nor before a running fade-out ends.
    /// A fresh start lands on its start instant's sample; a little late (≤ <see cref="PlayoutOptions.LateSkipLimit"/>)
    /// it skips what is late so it sounds in step with the other nodes; later than that it plays whole from now. A
    /// resume plays from its position now; a live stream plays its present (position = timeline index).
    /// </summary>
    private PlayoutVoice Place(BeginPlay begin, PlayRequest request, IPlayContent content)
    {
        var earliest = _outgoing?.FadeOutStart is { } fo ? Math.Max(_blockCursor, fo + FadeGain.Samples) : _blockCursor;
        if (begin.From is not { } from)
        {
            return new PlayoutVoice(begin.PlayId, content, earliest, earliest);
        }

        if (from > TimeSpan.Zero)
        {
            return new PlayoutVoice(begin.PlayId, content, earliest, ControllerTimeline.ToSamples(from));
        }

        var start = ControllerTimeline.ToSample(request.StartAt);
        if (start >= earliest)
        {
            return new PlayoutVoice(begin.PlayId, content, start, 0);
        }

        var late = earliest - start;
        return new PlayoutVoice(begin.PlayId, content, earliest, late <= ControllerTimeline.ToSamples(_options.LateSkipLimit) ? late : 0);
    }
}
