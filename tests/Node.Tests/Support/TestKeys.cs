using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>
/// The keys of a signed-control test, made as tests/Protocol.Tests/Security/TestKeys makes them: an offline root, the
/// Controller's certified key, a second key for rotation, and a stranger claiming the Controller's key id.
/// </summary>
internal sealed class TestKeys : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private readonly ECDsa _rootKey = EcdsaP256.CreateKey();
    private readonly ECDsa _controllerKey = EcdsaP256.CreateKey();
    private readonly ECDsa _rotatedKey = EcdsaP256.CreateKey();
    private readonly ECDsa _strangerKey = EcdsaP256.CreateKey();
    private long _nextSeq = 100;

    public TestKeys()
    {
        Root = new PayloadSigner(_rootKey, "root");
        Controller = new PayloadSigner(_controllerKey, "controller-1");
        Rotated = new PayloadSigner(_rotatedKey, "controller-2");
        Stranger = new PayloadSigner(_strangerKey, "controller-1");
    }

    public PayloadSigner Root { get; }

    public PayloadSigner Controller { get; }

    /// <summary>The next signing key, certified when a test rotates.</summary>
    public PayloadSigner Rotated { get; }

    /// <summary>Claims the Controller's key id, but its key was never certified.</summary>
    public PayloadSigner Stranger { get; }

    /// <summary>The root's certificate for <paramref name="signer"/>, valid from a day before <see cref="Now"/> for 90 days.</summary>
    public byte[] Certificate(PayloadSigner signer) => Root.Sign(new KeyCertificate
    {
        Kid = signer.Kid,
        PublicKey = Base64Url.EncodeToString(signer.PublicKey()),
        NotBefore = Now.AddDays(-1),
        NotAfter = Now.AddDays(90),
    });

    public byte[] Revocation(long serial, params string[] kids) =>
        Root.Sign(new KeyRevocationList { Serial = serial, IssuedAt = Now, RevokedKids = kids });

    /// <summary>A command to <paramref name="nodeId"/> (unless another target is given), valid for 5 minutes from <paramref name="ts"/>.</summary>
    public SignedCommand Command(
        string type, string nodeId, object? body = null, CommandTarget? target = null, DateTimeOffset? ts = null, long? seq = null,
        string? id = null, string? kid = null) => new()
    {
        Id = id ?? $"cmd-{Guid.NewGuid():N}",
        Kid = kid ?? Controller.Kid,
        Target = target ?? new CommandTarget { Node = nodeId },
        Ts = ts ?? Now,
        Exp = (ts ?? Now).AddMinutes(5),
        Seq = seq ?? ++_nextSeq,
        Type = type,
        Body = body switch
        {
            null => null,
            SetHeartbeatCommand heartbeat => CommandCatalog.WriteBody(heartbeat),
            EmergencyTestCommand test => CommandCatalog.WriteBody(test),
            SetQuietHoursCommand quiet => CommandCatalog.WriteBody(quiet),
            PlayToneCommand tone => CommandCatalog.WriteBody(tone),
            StopPlayCommand stop => CommandCatalog.WriteBody(stop),
            StreamStartCommand start => CommandCatalog.WriteBody(start),
            StreamStopCommand end => CommandCatalog.WriteBody(end),
            _ => throw new ArgumentException("unsupported body in test", nameof(body)),
        },
    };

    /// <summary>What the Controller sends when it resends <paramref name="command"/>: the same id, type, target, body and exp, a new seq and ts.</summary>
    public SignedCommand Resend(SignedCommand command, DateTimeOffset ts) => command with { Ts = ts, Seq = ++_nextSeq };

    /// <summary>The Controller's signed answer to <paramref name="request"/>, its clock reading <paramref name="controllerNow"/>.</summary>
    public static byte[] ClockReply(PayloadSigner signer, string nodeId, ClockSyncRequest request, DateTimeOffset controllerNow) =>
        signer.Sign(new ClockSyncReply { Kid = signer.Kid, NodeId = nodeId, Nonce = request.Nonce, T1 = request.T1, T2 = controllerNow, T3 = controllerNow });

    public void Dispose()
    {
        _rootKey.Dispose();
        _controllerKey.Dispose();
        _rotatedKey.Dispose();
        _strangerKey.Dispose();
    }
}
