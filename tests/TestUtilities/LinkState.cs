namespace SmartLoudspeaker.TestUtilities;

/// <summary>What a <see cref="LoopbackTcpProxy"/>, or one connection through it, does with the bytes it relays.</summary>
public enum LinkState
{
    /// <summary>Forwards both ways.</summary>
    Flowing,

    /// <summary>Keeps both sockets open but forwards nothing: a link that went silent without closing (4G stall).</summary>
    Stalled,
}
