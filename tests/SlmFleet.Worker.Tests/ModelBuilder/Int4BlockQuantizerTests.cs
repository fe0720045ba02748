using SlmFleet.Worker.ModelBuilder;

namespace SlmFleet.Worker.Tests.ModelBuilder;

[TestFixture]
public sealed class Int4BlockQuantizerTests
{
    [Test]
    public void Quantize_OneBlock_PacksLowIndexInLowNibbleWithZeroPointEight()
    {
        // Largest magnitude −8 maps to nibble 0 with scale 1, so nibble = value + 8.
        var row = new float[32];
        row[0] = -8f;
        row[1] = 7f;
        row[2] = 1f;
        var packed = new byte[16];
        var scales = new float[1];

        Int4BlockQuantizer.Quantize(row, rows: 1, k: 32, packed, scales);

        scales[0].Should().Be(1f);
        packed[0].Should().Be(0x0F << 4 | 0x00, "element 0 (−8 → 0) low nibble, element 1 (7 → 15) high nibble");
        packed[1].Should().Be(0x8 << 4 | 0x9, "element 2 (1 → 9), element 3 (0 → 8)");
    }

    [Test]
    public void Quantize_RandomRows_DequantizeWithinHalfAStep()
    {
        var weights = new WeightGenerator(5).Normal(3 * 80, 0.08f);
        var blocks = Int4BlockQuantizer.Blocks(80);
        var packed = new byte[3 * blocks * 16];
        var scales = new float[3 * blocks];

        Int4BlockQuantizer.Quantize(weights, rows: 3, k: 80, packed, scales);

        blocks.Should().Be(3, "K = 80 is padded to three blocks of 32");
        for (var n = 0; n < 3; n++)
        {
            for (var k = 0; k < 80; k++)
            {
                var block = (n * blocks) + (k / 32);
                var within = k % 32;
                var nibble = (packed[(block * 16) + (within / 2)] >> (4 * (within % 2))) & 0xF;
                var restored = (nibble - 8) * scales[block];
                restored.Should().BeApproximately(weights[(n * 80) + k], (Math.Abs(scales[block]) / 2) + 1e-6f);
            }
        }
    }
}
