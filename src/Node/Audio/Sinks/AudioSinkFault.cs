namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>How an audio device failed a write.</summary>
internal enum AudioSinkFault
{
    /// <summary>The buffer ran dry (or over) and the device was restarted: the write may be retried at once.</summary>
    Xrun,

    /// <summary>The device is gone (unplugged, driver reset): it must be opened again, which may fail for a while.</summary>
    DeviceGone,

    /// <summary>Anything else the device reported; the message carries its text.</summary>
    Failed,
}
