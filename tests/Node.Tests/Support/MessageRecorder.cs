using System.Buffers;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>One message seen by the recorder.</summary>
internal sealed record Received(int Index, string Topic, byte[] Payload, bool Retain)
{
    public string Text => Encoding.UTF8.GetString(Payload);

    public bool IsFor(string nodeId, NodeMessageKind kind) => Topic == Topics.ForNode(nodeId, kind);

    /// <summary>True when the payload is in the signed two-line form (acknowledgements, events).</summary>
    public bool IsSigned => Payload.AsSpan().IndexOf((byte)'\n') >= 0;

    /// <summary>The message, from plain JSON or from the signed part of the signed form (its signature not checked here).</summary>
    public T Decode<T>()
        where T : class, IWireMessage
    {
        if (IsSigned)
        {
            var signed = SignedPayloadCodec.Parse<T>(Payload);
            Assert.True(signed.Succeeded, $"{Topic}: {signed.Failure} {signed.Detail}");
            return signed.Message!.Message;
        }

        var result = WireCodec.Decode<T>(Payload);
        Assert.True(result.Succeeded, $"{Topic}: {result.Failure} {result.Detail}");
        return result.Message!;
    }

    /// <summary>True when the payload is the signed form, signed by <paramref name="publicKey"/> (DER SubjectPublicKeyInfo).</summary>
    public bool IsSignedBy(ReadOnlySpan<byte> publicKey)
    {
        var split = SignedPayloadCodec.Split(Payload);
        using var key = EcdsaP256.ImportPublicKey(publicKey);
        return split.Succeeded && key is not null && EcdsaP256.Verify(key, split.Message!.SignedBytes.Span, split.Message.Signature);
    }
}

/// <summary>A subscriber to the whole tree that records every message and lets a test await the next match.</summary>
internal sealed class MessageRecorder : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<Received> _messages = [];
    private readonly IMqttClient _client;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MessageRecorder(IMqttClient client)
    {
        _client = client;
    }

    public IMqttClient Client => _client;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public IReadOnlyList<Received> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public static async Task<MessageRecorder> StartAsync(TestBroker broker, string filter = "sl/v1/#")
    {
        var client = await broker.ConnectClientAsync("recorder-" + Guid.NewGuid().ToString("N")[..8]);
        var recorder = new MessageRecorder(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            recorder.Add(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return recorder;
    }

    /// <summary>The first message at or after <paramref name="fromIndex"/> that matches.</summary>
    public async Task<Received> WaitForAsync(Func<Received, bool> match, int fromIndex = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                for (var i = fromIndex; i < _messages.Count; i++)
                {
                    if (match(_messages[i]))
                    {
                        return _messages[i];
                    }
                }

                changed = _changed.Task;
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching message. Seen:\n" + string.Join("\n", Messages.Select(m => $"{m.Index} {m.Topic} {m.Text}")));
            }

            try
            {
                await changed.WaitAsync(remaining);
            }
            catch (TimeoutException)
            {
                // Loop once more to report what was seen.
            }
        }
    }

    public Task<Received> WaitForAsync(string nodeId, NodeMessageKind kind, int fromIndex = 0) =>
        WaitForAsync(m => m.IsFor(nodeId, kind), fromIndex);

    /// <summary>Publishes from the recorder's client, QoS 1.</summary>
    public Task PublishAsync(string topic, byte[] payload, bool retain = false) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(retain)
            .Build());

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }

    private void Add(MqttApplicationMessage message)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _messages.Add(new Received(_messages.Count, message.Topic, message.Payload.ToArray(), message.Retain));
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
