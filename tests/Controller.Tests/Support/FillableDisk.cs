using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// The store's disk, made "full" on demand: the journal's writes fail with the IOException a full
/// disk gives (ENOSPC). Clearing <see cref="Full"/> is space returning. <see cref="EmptyingFails"/> makes emptying the
/// journal (after a checkpoint, once the batch is committed) fail with an I/O error instead.
/// </summary>
internal sealed class FillableDisk : StoreFileSystem
{
    private volatile bool _full;
    private volatile bool _emptyingFails;

    public bool Full
    {
        get => _full;
        set => _full = value;
    }

    public bool EmptyingFails
    {
        get => _emptyingFails;
        set => _emptyingFails = value;
    }

    public override Stream OpenJournal(string path) => new LimitedStream(base.OpenJournal(path), this);

    private sealed class LimitedStream(Stream inner, FillableDisk disk) : DelegatingStream(inner)
    {
        public override void SetLength(long value)
        {
            if (value == 0 && disk.EmptyingFails)
            {
                throw new IOException("Input/output error", unchecked((int)0x80070005));
            }

            Inner.SetLength(value);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (disk.Full)
            {
                // Part of the record reaches the file before the error, as with a real ENOSPC mid-write.
                Inner.Write(buffer, offset, Math.Min(count, 3));
                throw new IOException("No space left on device", unchecked((int)0x8007001C));
            }

            Inner.Write(buffer, offset, count);
        }
    }
}
