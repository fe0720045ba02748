using System.Text;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Tests.Constraints;

/// <summary>
/// Tokens do not respect JSON's structure: one token may close a string and start the next key, or
/// hold half of a UTF-8 character. The masks work on each token's bytes, so these cases are exact.
/// </summary>
[TestFixture]
public sealed class TokenBoundaryTests
{
    private const string TwoProperties = """{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name","age"]}""";

    private static (TextTokenizer Tokenizer, ConstraintCompiler Compiler, int[] Eos) Qwen152k()
        => ConstrainedSamplingTests.Fixture("qwen2-bytelevel-152k-fp32", 151645, 151643);

    private static int ByteLevelId(TextTokenizer tokenizer, params byte[] bytes)
        => tokenizer.IdOf(string.Concat(bytes.Select(b => ByteLevelAlphabet.ByteToChar[b]))) ?? throw new AssertionException($"no token for {Convert.ToHexString(bytes)}");

    private static ConstraintMatcher After(ConstraintCompiler compiler, TextTokenizer tokenizer, string schema, string prefix)
    {
        var matcher = new ConstraintMatcher(compiler.Compile(new ConstraintSpec("json_schema", schema)));
        foreach (var b in Encoding.UTF8.GetBytes(prefix))
        {
            matcher.Advance(ByteLevelId(tokenizer, b)).Should().BeTrue($"byte {b:X2} of {prefix}");
        }

        return matcher;
    }

    private static bool Allowed(ConstraintMatcher matcher, int size, int token, int[] eos)
    {
        var logits = new float[size];
        matcher.Mask(logits, eos);
        return !float.IsNegativeInfinity(logits[token]);
    }

    [Test]
    public void TokenSpanningQuoteAndLetters_OpensTheValue()
    {
        var (tokenizer, compiler, eos) = Qwen152k();
        var matcher = After(compiler, tokenizer, TwoProperties, "{\"name\":");
        var quoteThe = ByteLevelId(tokenizer, "\"The"u8.ToArray());

        Allowed(matcher, compiler.Vocabulary.Size, quoteThe, eos).Should().BeTrue("'\"The' opens the string and writes its first letters");
        matcher.Advance(quoteThe).Should().BeTrue();
        Allowed(matcher, compiler.Vocabulary.Size, ByteLevelId(tokenizer, "\","u8.ToArray()), eos).Should().BeTrue("'\",' closes the value and starts the next member");
        Allowed(matcher, compiler.Vocabulary.Size, quoteThe, eos).Should().BeFalse("a quote then letters would end the string in the middle of an object");
    }

    [Test]
    public void TokenClosingStringAndObject_CompletesTheAnswer()
    {
        var (tokenizer, compiler, eos) = Qwen152k();
        var matcher = After(compiler, tokenizer, """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""", "{\"a\":\"x");
        var closing = ByteLevelId(tokenizer, "\"}"u8.ToArray());

        matcher.Advance(closing).Should().BeTrue();

        matcher.IsComplete.Should().BeTrue();
        matcher.CanContinue.Should().BeFalse();
    }

    [Test]
    public void MultiByteCharacterSplitAcrossTokens_OnlyItsContinuationMayFollow()
    {
        var (tokenizer, compiler, eos) = Qwen152k();
        var matcher = After(compiler, tokenizer, """{"type":"string"}""", "\"");
        var size = compiler.Vocabulary.Size;
        var lead = ByteLevelId(tokenizer, 0xE4);

        Allowed(matcher, size, ByteLevelId(tokenizer, 0xB8), eos).Should().BeFalse("a continuation byte cannot start a character");
        matcher.Advance(lead).Should().BeTrue("0xE4 starts a three-byte character");
        Allowed(matcher, size, ByteLevelId(tokenizer, (byte)'A'), eos).Should().BeFalse("the character is incomplete");
        Allowed(matcher, size, ByteLevelId(tokenizer, (byte)'"'), eos).Should().BeFalse("the string cannot end inside a character");
        matcher.Advance(ByteLevelId(tokenizer, 0xB8)).Should().BeTrue();
        matcher.Advance(ByteLevelId(tokenizer, 0xAD)).Should().BeTrue("E4 B8 AD is U+4E2D");
        matcher.Advance(ByteLevelId(tokenizer, (byte)'"')).Should().BeTrue();
        matcher.IsComplete.Should().BeTrue();
    }

    [Test]
    public void PatternWithAccentedLetters_LeadByteThenItsRangeOnly()
    {
        var (tokenizer, compiler, eos) = Qwen152k();
        var matcher = After(compiler, tokenizer, """{"type":"string","pattern":"^[à-ÿ]{2,4}$"}""", "\"");
        var size = compiler.Vocabulary.Size;

        matcher.Advance(ByteLevelId(tokenizer, 0xC3)).Should().BeTrue("à-ÿ all start with 0xC3");
        Allowed(matcher, size, ByteLevelId(tokenizer, 0x9F), eos).Should().BeFalse("C3 9F is ß, outside the class");
        Allowed(matcher, size, ByteLevelId(tokenizer, 0xA9), eos).Should().BeTrue("C3 A9 is é");
    }

    [Test]
    public void SentencePieceTokens_MetaspaceAndByteFallbackBytes()
    {
        var tokenizer = TokenizerLoader.Load(Infrastructure.FixtureModels.Folder("llama-sentencepiece-32k-fp32"));

        tokenizer.TokenBytes(tokenizer.IdOf("▁Hello")!.Value).Should().Equal(" Hello"u8.ToArray());
        tokenizer.TokenBytes(tokenizer.IdOf("<0xE4>")!.Value).Should().Equal([0xE4]);
        tokenizer.TokenBytes(2).Should().BeNull("</s> is special");
    }

    [Test]
    public void ByteLevelTokens_PartialUtf8KeepsItsBytes()
    {
        var (tokenizer, _, _) = Qwen152k();

        tokenizer.TokenBytes(ByteLevelId(tokenizer, 0xE4)).Should().Equal([0xE4]);
        tokenizer.TokenBytes(151645).Should().BeNull("<|im_end|> is special");
    }
}
