using System.Buffers.Binary;
using System.Security.Cryptography;
using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// An append-only file of write batches, fsynced once per batch: the durability point of
/// <see cref="StoreDurability.Journal"/>. Each record is [length][first 4 bytes of SHA-256][BSON]; a torn
/// or damaged record ends the replay (it was never acknowledged: the fsync had not returned).
/// </summary>
internal sealed class WriteJournal : IDisposable
{
    private const int HeaderBytes = 8;
    private readonly Stream _stream;
    private long _length;

    public WriteJournal(Stream stream)
    {
        _stream = stream;
        _length = 0;
    }

    /// <summary>Bytes of good records since the last reset.</summary>
    public long Length => _length;

    /// <summary>Reads every whole record from the start; leaves the journal positioned after the last good one.</summary>
    public IReadOnlyList<IReadOnlyList<StoreOp>> ReadAll()
    {
        var batches = new List<IReadOnlyList<StoreOp>>();
        _stream.Position = 0;
        var header = new byte[HeaderBytes];
        long position = 0;
        while (true)
        {
            if (_stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            {
                break;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            if (length <= 0 || length > _stream.Length - position - HeaderBytes)
            {
                break;
            }

            var body = new byte[length];
            if (_stream.ReadAtLeast(body, length, throwOnEndOfStream: false) < length || !Checksum(body).SequenceEqual(header.AsSpan(4, 4).ToArray()))
            {
                break;
            }

            var document = BsonSerializer.Deserialize(body);
            batches.Add(document["ops"].AsArray.Select(op => StoreOp.FromBson(op.AsDocument)).ToArray());
            position += HeaderBytes + length;
        }

        _length = position;
        return batches;
    }

    /// <summary>Appends one batch and fsyncs; throws (and keeps the journal as it was) when the disk refuses.</summary>
    public void Append(IReadOnlyList<StoreOp> ops)
    {
        var body = BsonSerializer.Serialize(new BsonDocument { ["ops"] = new BsonArray(ops.Select(op => (BsonValue)op.ToBson())) });
        var record = new byte[HeaderBytes + body.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        Checksum(body).CopyTo(record, 4);
        body.CopyTo(record, HeaderBytes);
        try
        {
            // Always write at the end of the good records: a torn record left by a failed append is overwritten,
            // never followed, so replay cannot stop short of a batch that was acknowledged after it.
            _stream.Position = _length;
            _stream.Write(record);
            Flush();
            _length += record.Length;
        }
        catch (IOException)
        {
            TryCut();
            throw;
        }
    }

    /// <summary>
    /// Takes back what was appended after <paramref name="length"/>: the batch was rolled back, so it was never in
    /// LiteDB nor acknowledged, and replaying it would store writes that never happened. If the cut fails, the next
    /// append overwrites the record anyway.
    /// </summary>
    public void CutBackTo(long length)
    {
        _length = length;
        TryCut();
    }

    /// <summary>Empties the journal; called once LiteDB holds its content durably (after a checkpoint).</summary>
    public void Reset()
    {
        _stream.SetLength(0);

        // Before the fsync: if only the fsync fails, the file is already empty, and the next append must start at 0,
        // not after a hole that would end the replay before it.
        _length = 0;
        Flush();
    }

    public void Dispose() => _stream.Dispose();

    private void Flush()
    {
        if (_stream is FileStream file)
        {
            // fsync: the OS page cache is not durable across a power cut.
            file.Flush(flushToDisk: true);
        }
        else
        {
            _stream.Flush();
        }
    }

    private void TryCut()
    {
        try
        {
            _stream.SetLength(_length);
        }
        catch (IOException)
        {
            // The next append overwrites the torn tail anyway; replay stops at the first bad checksum.
        }
    }

    private static byte[] Checksum(byte[] body) => SHA256.HashData(body)[..4];
}
