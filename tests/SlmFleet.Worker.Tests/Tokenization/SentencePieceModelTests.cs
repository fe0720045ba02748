using Google.Protobuf;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Tokenization;

/// <summary>
/// A folder with only tokenizer.model: a small SentencePiece BPE model with byte fall-back, written
/// here in SentencePiece's protobuf layout (ModelProto: pieces = 1 {piece 1, score 2, type 3},
/// trainer_spec = 2 {model_type 3, byte_fallback 35, unk/bos/eos/pad id 40-43}, normalizer_spec = 3
/// {name 1, add_dummy_prefix 3, remove_extra_whitespaces 4, escape_whitespaces 5}).
/// </summary>
[TestFixture]
public sealed class SentencePieceModelTests
{
    private const int Unknown = 2;
    private const int Control = 3;
    private const int Byte = 6;
    private const int Normal = 1;
    private string _directory = null!;

    [SetUp]
    public void WriteModel()
    {
        Directory.CreateDirectory(_directory = Path.Combine(Path.GetTempPath(), "slm-spm-" + Guid.NewGuid().ToString("N")[..8]));
        File.WriteAllBytes(Path.Combine(_directory, "tokenizer.model"), ModelProto());
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void Load_OnlyTokenizerModel_IsSentencePiece()
    {
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Family.Should().Be("SentencePiece (tokenizer.model)");
    }

    [Test]
    public void Encode_WithSpecialTokens_AddsBosAsLlamaDoesByDefault()
    {
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode("ab a", addSpecialTokens: true).Should().Equal(1, Id("▁ab"), Id("▁a"));
        tokenizer.Encode("ab a", addSpecialTokens: false).Should().Equal(Id("▁ab"), Id("▁a"));
    }

    [Test]
    public void Encode_AddBosTokenFalseInConfig_AddsNothing()
    {
        File.WriteAllText(Path.Combine(_directory, "tokenizer_config.json"), """{"add_bos_token": false, "bos_token": "<s>"}""");
        var tokenizer = TokenizerLoader.Load(_directory);

        tokenizer.Encode("ab", addSpecialTokens: true).Should().Equal(Id("▁ab"));
    }

    [Test]
    public void EncodeDecode_CharacterMissingFromTheVocabulary_FallsBackToBytesAndBack()
    {
        var tokenizer = TokenizerLoader.Load(_directory);

        var ids = tokenizer.Encode("aé", addSpecialTokens: false);

        ids.Should().Equal(Id("▁a"), 3 + 0xC3, 3 + 0xA9);
        tokenizer.Decode([1, .. ids, 2]).Should().Be("aé", "BOS and EOS are skipped");
        tokenizer.Decode([.. ids, 3 + 0xC3]).Should().EndWith("\uFFFD", "a lone lead byte at the end");
    }

    private static readonly string[] Pieces = ["▁", "a", "b", "▁a", "ab", "▁ab"];

    private static int Id(string piece) => 3 + 256 + Array.IndexOf(Pieces, piece);

    private static byte[] ModelProto()
    {
        using var memory = new MemoryStream();
        var output = new CodedOutputStream(memory);
        WritePiece(output, "<unk>", 0, Unknown);
        WritePiece(output, "<s>", 0, Control);
        WritePiece(output, "</s>", 0, Control);
        for (var b = 0; b < 256; b++)
        {
            WritePiece(output, $"<0x{b:X2}>", 0, Byte);
        }

        for (var i = 0; i < Pieces.Length; i++)
        {
            // BPE merges the pair whose result scores highest: longer pieces score higher here.
            WritePiece(output, Pieces[i], -10f + Pieces[i].Length, Normal);
        }

        WriteMessage(output, 2, inner =>
        {
            inner.WriteTag(3, WireFormat.WireType.Varint);
            inner.WriteInt32(2);
            inner.WriteTag(35, WireFormat.WireType.Varint);
            inner.WriteBool(true);
            foreach (var (field, value) in new[] { (40, 0), (41, 1), (42, 2), (43, -1) })
            {
                inner.WriteTag(field, WireFormat.WireType.Varint);
                inner.WriteInt32(value);
            }
        });
        WriteMessage(output, 3, inner =>
        {
            inner.WriteTag(1, WireFormat.WireType.LengthDelimited);
            inner.WriteString("identity");
            foreach (var (field, value) in new[] { (3, true), (4, false), (5, true) })
            {
                inner.WriteTag(field, WireFormat.WireType.Varint);
                inner.WriteBool(value);
            }
        });
        output.Flush();
        return memory.ToArray();
    }

    private static void WritePiece(CodedOutputStream output, string piece, float score, int type) => WriteMessage(output, 1, inner =>
    {
        inner.WriteTag(1, WireFormat.WireType.LengthDelimited);
        inner.WriteString(piece);
        inner.WriteTag(2, WireFormat.WireType.Fixed32);
        inner.WriteFloat(score);
        inner.WriteTag(3, WireFormat.WireType.Varint);
        inner.WriteInt32(type);
    });

    private static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> write)
    {
        using var memory = new MemoryStream();
        var inner = new CodedOutputStream(memory);
        write(inner);
        inner.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(memory.ToArray()));
    }
}
