using System.Text.Json.Serialization;

namespace SmartLoudspeaker.Protocol.Enrolment;

/// <summary>Where a node's enrolment request stands (<see cref="EnrolmentStatus"/>).</summary>
public enum EnrolmentState
{
    /// <summary>Held until a technician decides.</summary>
    [JsonStringEnumMemberName("pending")]
    Pending,

    /// <summary>Enrolled: the node's own credentials are now accepted by the broker.</summary>
    [JsonStringEnumMemberName("approved")]
    Approved,

    /// <summary>Refused by a technician, or the node id is revoked: the node keeps asking, less often.</summary>
    [JsonStringEnumMemberName("refused")]
    Refused,
}
