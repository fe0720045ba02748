using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.Tests.Schema;

[TestFixture]
public sealed class FieldErrorTests
{
    [TestCase(FieldErrorType.Required, null, "", "spec.model: Required value")]
    [TestCase(FieldErrorType.Invalid, "-1", "spec.model in body should be greater than or equal to 0", "spec.model: Invalid value: -1: spec.model in body should be greater than or equal to 0")]
    [TestCase(FieldErrorType.TooLong, null, "may not be longer than 3", "spec.model: Too long: may not be longer than 3")]
    public void ToString_FollowsApiServerLayout(FieldErrorType type, string? value, string detail, string expected)
    {
        var error = new FieldError(type, "spec.model", value, detail);

        error.Message.Should().Be(expected);
    }
}
