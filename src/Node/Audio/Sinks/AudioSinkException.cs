namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>An audio device failed a write; <see cref="Fault"/> tells the playout loop whether to retry or reopen.</summary>
internal sealed class AudioSinkException : Exception
{
    public AudioSinkException(AudioSinkFault fault, string message)
        : base(message)
    {
        Fault = fault;
    }

    public AudioSinkException()
        : this(AudioSinkFault.Failed, "The audio device failed.")
    {
    }

    public AudioSinkException(string message)
        : this(AudioSinkFault.Failed, message)
    {
    }

    public AudioSinkException(string message, Exception innerException)
        : base(message, innerException)
    {
        Fault = AudioSinkFault.Failed;
    }

    public AudioSinkFault Fault { get; }
}
