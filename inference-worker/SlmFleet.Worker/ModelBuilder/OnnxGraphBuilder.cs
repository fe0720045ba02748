using Google.Protobuf;
using SlmFleet.Worker.Onnx.Proto;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Appends nodes, Constant nodes and initializers to a graph under the builder's naming scheme: a node is
/// named by its module path (<c>/model/layers.0/attn/qkv_proj/MatMul</c>) and its outputs are that name plus
/// <c>/output_N</c>, so graphs we write read like the official exports.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const string MicrosoftDomain = "com.microsoft";

    private readonly GraphProto _graph = new() { Name = "main_graph" };

    public GraphProto Graph => _graph;

    /// <summary>Adds a node with a single output named <c>{name}/output_0</c> and returns that output.</summary>
    public string Node(string opType, string name, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
        => NodeWithOutputs(string.Empty, opType, name, inputs, [$"{name}/output_0"], attributes)[0];

    /// <summary>Adds a node whose outputs are named by the caller ("" for an unused optional output).</summary>
    public IReadOnlyList<string> NodeWithOutputs(
        string domain, string opType, string name, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = name };
        if (domain.Length > 0)
        {
            node.Domain = domain;
        }

        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>An int64 Constant node named as the builder names its shared constants (<c>/model/constants/INT64/1</c>).</summary>
    public string Int64Constant(string label, long[]? dims, params long[] values)
    {
        var output = $"/model/constants/INT64/{label}";
        var tensor = new TensorProto { Name = output, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(TensorBytes.Int64(values)) };
        if (dims is not null)
        {
            tensor.Dims.AddRange(dims);
        }

        var attribute = new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = tensor };
        NodeWithOutputs(string.Empty, "Constant", $"/model/constant_nodes/INT64/{label}", [], [output], attribute);
        return output;
    }

    /// <summary>Declares an initializer; its bytes are written (or shared) by the caller.</summary>
    public TensorProto Initializer(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return tensor;
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims)
        => _graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims)
        => _graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
