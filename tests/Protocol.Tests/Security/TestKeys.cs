using System.Buffers.Text;
using System.Security.Cryptography;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

/// <summary>A root, a certified Controller key, and a key nobody certified, as a test needs them.</summary>
internal sealed class TestKeys : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    private readonly ECDsa rootKey = EcdsaP256.CreateKey();
    private readonly ECDsa controllerKey = EcdsaP256.CreateKey();
    private readonly ECDsa strangerKey = EcdsaP256.CreateKey();
    private long nextSeq = 100;

    public TestKeys()
    {
        Root = new PayloadSigner(rootKey, "root");
        Controller = new PayloadSigner(controllerKey, "controller-1");
        Stranger = new PayloadSigner(strangerKey, "controller-1");
    }

    public PayloadSigner Root { get; }

    public PayloadSigner Controller { get; }

    /// <summary>Claims the Controller's key id, but its key was never certified.</summary>
    public PayloadSigner Stranger { get; }

    public static KeyCertificate CertificateFor(PayloadSigner signer, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null) => new()
    {
        Kid = signer.Kid,
        PublicKey = Base64Url.EncodeToString(signer.PublicKey()),
        NotBefore = notBefore ?? Now.AddDays(-1),
        NotAfter = notAfter ?? Now.AddDays(90),
    };

    /// <summary>A trust store pinning the root and holding the Controller's certificate.</summary>
    public TrustStore NodeTrust()
    {
        var trust = new TrustStore(Root.PublicKey());
        Assert.Null(trust.AddCertificate(Root.Sign(CertificateFor(Controller))));
        return trust;
    }

    public SignedCommand Command(string type, object? body = null, CommandTarget? target = null, DateTimeOffset? ts = null, long? seq = null) => new()
    {
        Id = $"cmd-{Guid.NewGuid():N}",
        Kid = Controller.Kid,
        Target = target ?? new CommandTarget { Node = "thon-1" },
        Ts = ts ?? Now,
        Exp = (ts ?? Now).AddMinutes(5),
        Seq = seq ?? ++nextSeq,
        Type = type,
        Body = body switch
        {
            null => null,
            SetHeartbeatCommand heartbeat => CommandCatalog.WriteBody(heartbeat),
            EmergencyTestCommand test => CommandCatalog.WriteBody(test),
            SetQuietHoursCommand quiet => CommandCatalog.WriteBody(quiet),
            StreamStartCommand start => CommandCatalog.WriteBody(start),
            StreamStopCommand stop => CommandCatalog.WriteBody(stop),
            _ => throw new ArgumentException("unsupported body in test", nameof(body)),
        },
    };

    public void Dispose()
    {
        rootKey.Dispose();
        controllerKey.Dispose();
        strangerKey.Dispose();
    }
}
