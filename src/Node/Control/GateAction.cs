namespace SmartLoudspeaker.Node.Control;

/// <summary>What <see cref="CommandGate"/> decided about one command payload.</summary>
internal enum GateAction
{
    /// <summary>Refused: report it and, when the command could be read, ack it as refused.</summary>
    Refuse,

    /// <summary>Answered without acting: a resend of a command already done, or one that cannot be stored.</summary>
    Answer,

    /// <summary>Accepted and stored: hand it to its handler.</summary>
    Dispatch,

    /// <summary>A resend of a command still under way: its own ack, when it is done, is the answer.</summary>
    Wait,
}
