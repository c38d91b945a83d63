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

    /// <summary>From a node id that is not enrolled (unknown, revoked or retired): it cannot create or change a node.</summary>
    public const string NotEnrolled = "not-enrolled";

    /// <summary>A command acknowledgement not signed by the node's enrolled key (unsigned, or forged).</summary>
    public const string ForgedAck = "forged-ack";

    /// <summary>An event not signed by the node's enrolled key (unsigned, or forged).</summary>
    public const string ForgedEvent = "forged-event";

    /// <summary>An enrolment request not signed by the key it carries.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>More enrolment requests this minute than <c>Enrolment:MaxRequestsPerMinute</c>.</summary>
    public const string EnrolmentRate = "enrol-rate";

    /// <summary>A new node id asking while <c>Enrolment:MaxPendingRequests</c> requests already wait.</summary>
    public const string EnrolmentPendingFull = "enrol-pending-full";
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
