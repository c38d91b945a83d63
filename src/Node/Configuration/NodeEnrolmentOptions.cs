using SmartLoudspeaker.Node.Agent;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>Configuration section <c>"Node:Enrolment"</c>: how a node not yet enrolled asks to join.</summary>
public sealed class NodeEnrolmentOptions
{
    /// <summary>
    /// An enrolment token from a technician, <c>{tokenId}.{secret}</c>: the request then carries its proof and is
    /// approved at once (bulk installs). Null: each request waits for a technician.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How long one enrolment attempt waits for the approval before going on with the reconnect backoff.</summary>
    public TimeSpan WaitForApproval { get; set; } = NodeAgentSettings.DefaultEnrolmentWait;
}
