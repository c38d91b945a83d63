using System.Runtime.InteropServices;

namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// The few alsa-lib calls the sink needs, bound to Debian's versioned <c>libasound.so.2</c> (the bare name needs the
/// -dev package, which a node does not have). Every call returns a negative errno on failure, as alsa-lib does.
/// Constant values are alsa-lib's <c>include/pcm.h</c> enums.
/// </summary>
internal static partial class AlsaNative
{
    private const string Library = "libasound.so.2";

    /// <summary><c>SND_PCM_STREAM_PLAYBACK</c>.</summary>
    public const int StreamPlayback = 0;

    /// <summary>Mode 0: blocking, so <c>snd_pcm_writei</c> waits while the buffer is full (that wait is the pacing).</summary>
    public const int ModeBlocking = 0;

    /// <summary><c>SND_PCM_FORMAT_S16_LE</c>.</summary>
    public const int FormatS16LittleEndian = 2;

    /// <summary><c>SND_PCM_ACCESS_RW_INTERLEAVED</c>.</summary>
    public const int AccessReadWriteInterleaved = 3;

    [LibraryImport(Library, EntryPoint = "snd_pcm_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PcmOpen(out AlsaPcmHandle pcm, string name, int stream, int mode);

    /// <summary><paramref name="latencyMicroseconds"/> is the whole buffer's length, which alsa-lib splits in periods.</summary>
    [LibraryImport(Library, EntryPoint = "snd_pcm_set_params")]
    public static partial int PcmSetParams(
        AlsaPcmHandle pcm,
        int format,
        int access,
        uint channels,
        uint rate,
        int softResample,
        uint latencyMicroseconds);

    /// <summary>Returns frames written (possibly fewer than asked) or a negative errno.</summary>
    [LibraryImport(Library, EntryPoint = "snd_pcm_writei")]
    public static partial nint PcmWriteInterleaved(AlsaPcmHandle pcm, ReadOnlySpan<short> buffer, nuint frames);

    /// <summary>Prepares the device again after an underrun (-EPIPE) or resumes it after a suspend (-ESTRPIPE).</summary>
    [LibraryImport(Library, EntryPoint = "snd_pcm_recover")]
    public static partial int PcmRecover(AlsaPcmHandle pcm, int error, int silent);

    [LibraryImport(Library, EntryPoint = "snd_pcm_delay")]
    public static partial int PcmDelay(AlsaPcmHandle pcm, out nint delayFrames);

    [LibraryImport(Library, EntryPoint = "snd_pcm_prepare")]
    public static partial int PcmPrepare(AlsaPcmHandle pcm);

    /// <summary>
    /// Stops at once, dropping what is buffered, and leaves the PCM unprepared (writes then fail with -EBADFD until a
    /// prepare): what a driver does to a stream under us, so tests use it to drive the sink's recovery.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "snd_pcm_drop")]
    public static partial int PcmDrop(AlsaPcmHandle pcm);

    /// <summary>Takes the raw pointer: only <see cref="AlsaPcmHandle.ReleaseHandle"/> calls it.</summary>
    [LibraryImport(Library, EntryPoint = "snd_pcm_close")]
    public static partial int PcmClose(nint pcm);

    /// <summary>
    /// Returns a pointer to a static string. Declared as a pointer, not a string: a marshalled string return would be
    /// freed by the generated code, and this one is not ours to free.
    /// </summary>
    [LibraryImport(Library, EntryPoint = "snd_strerror")]
    private static partial nint StrError(int error);

    /// <summary>alsa-lib's text for a (negative) error code, with the code, for exception messages and logs.</summary>
    public static string Describe(int error)
    {
        var text = Marshal.PtrToStringUTF8(StrError(error));
        return $"{(string.IsNullOrEmpty(text) ? "unknown error" : text)} ({error})";
    }
}
