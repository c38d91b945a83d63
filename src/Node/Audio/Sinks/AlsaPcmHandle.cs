using Microsoft.Win32.SafeHandles;

namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// An open <c>snd_pcm_t</c>. A SafeHandle rather than a bare pointer so that a Dispose from another thread (shutdown)
/// while a write is blocked inside alsa-lib defers <c>snd_pcm_close</c> until that write returns, instead of freeing
/// the PCM under it.
/// </summary>
internal sealed class AlsaPcmHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public AlsaPcmHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => AlsaNative.PcmClose(handle) >= 0;
}
