using System.Xml.Linq;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Tests.Crds;

[TestFixture]
public sealed class XmlDocumentationTests
{
    [Test]
    public void Clean_TagsAndWhitespace_BecomePlainOneLineText()
    {
        var summary = XElement.Parse("<summary>\n  Uses <c>hf://</c> or <see cref=\"T:SlmFleet.Api.V1Alpha1.ModelSpec\"/>,\n   not <see langword=\"null\"/>.  </summary>");

        XmlDocumentation.Clean(summary).Should().Be("Uses hf:// or ModelSpec, not null.");
    }

    [Test]
    public void For_ApiAssembly_FindsPropertySummaries()
    {
        var docs = XmlDocumentation.For(typeof(ModelSpec).Assembly);

        docs.Summary(typeof(ModelSpec).GetProperty(nameof(ModelSpec.Quantization))!)
            .Should().Be("Weight precision: fp16 (2 bytes/parameter), int8 (1) or int4 (0.5).");
    }
}
