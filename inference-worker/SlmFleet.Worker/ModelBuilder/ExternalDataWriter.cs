using System.Globalization;
using SlmFleet.Worker.Onnx.Proto;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Streams initializer bytes into model.onnx.data as they are generated, so a 0.5 B model never holds more
/// than one layer's weights in memory; the TensorProto keeps only the location, offset and length.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _location;

    public ExternalDataWriter(string path)
    {
        _stream = File.Create(path);
        _location = Path.GetFileName(path);
    }

    public long BytesWritten => _stream.Position;

    public void Write(TensorProto tensor, ReadOnlySpan<byte> bytes)
    {
        var offset = _stream.Position;
        _stream.Write(bytes);
        Point(tensor, offset, bytes.Length);
    }

    /// <summary>Makes <paramref name="alias"/> read the bytes already written for <paramref name="source"/> (one copy on disk, two shapes).</summary>
    public static void Share(TensorProto alias, TensorProto source)
    {
        alias.ExternalData.AddRange(source.ExternalData.Select(e => e.Clone()));
        alias.DataLocation = TensorProto.Types.DataLocation.External;
    }

    public void Dispose() => _stream.Dispose();

    private void Point(TensorProto tensor, long offset, long length)
    {
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _location });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(CultureInfo.InvariantCulture) });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(CultureInfo.InvariantCulture) });
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
    }
}
