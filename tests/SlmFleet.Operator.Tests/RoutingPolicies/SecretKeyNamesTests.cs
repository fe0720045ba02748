using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Operator.RoutingPolicies;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class SecretKeyNamesTests
{
    [Test]
    public void Deserialize_SecretWithData_KeepsKeyNamesDropsValues()
    {
        // Arrange
        const string Json = """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"openai","namespace":"ml"},"type":"Opaque","data":{"api-key":"c2stdG9wLXNlY3JldA==","org":{"nested":"c2stdG9w"}}}""";

        // Act
        var secret = KubernetesJson.Deserialize<SecretKeyNames>(Json);
        var written = KubernetesJson.Serialize(secret);

        // Assert
        secret.Keys.Should().Equal("api-key", "org");
        written.Should().NotContain("c2stdG9w");
    }

    [Test]
    public void Deserialize_SecretWithoutData_NullKeys()
    {
        // Act
        var secret = KubernetesJson.Deserialize<SecretKeyNames>("""{"metadata":{"name":"empty"}}""");

        // Assert
        secret.Keys.Should().BeNull();
    }
}
