using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Ingest;

/// <summary>Labels of <c>sl_ingest_refused_total</c>.</summary>
internal static class IngestRefusals
{
    public const string Topic = "topic";
    public const string NodeIdMismatch = "node-id-mismatch";
    public const string UnknownNode = "unknown-node";

    /// <summary>Delivered as a retained message: said some time ago by someone, not by the node now.</summary>
    public const string Retained = "retained";
    public const string StoreError = "store-error";
    public const string InternalError = "internal-error";

    public static string For(DecodeFailure failure) => failure switch
    {
        DecodeFailure.TooLarge => "too-large",
        DecodeFailure.Malformed => "malformed",
        DecodeFailure.UnsupportedVersion => "unsupported-version",
        DecodeFailure.Invalid => "invalid",
        _ => "unknown",
    };
}
