namespace SmartLoudspeaker.TestUtilities;

/// <summary>What a <see cref="LoopbackTcpProxy"/> does with the bytes of its connections.</summary>
public enum LinkState
{
    /// <summary>Forwards both ways.</summary>
    Flowing,

    /// <summary>Keeps both sockets open but forwards nothing: a link that went silent without closing (4G stall).</summary>
    Stalled,
}
