using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>
/// <see cref="FieldOwnership"/> against field sets kube-apiserver v1.32.0 (../shared/k8s) wrote:
/// <c>kubectl apply --server-side --field-manager=slm</c> of <see cref="Applied"/>, then
/// <c>kubectl patch</c> of the worker's cpu request, <c>kubectl scale</c> and <c>kubectl label a-</c>.
/// </summary>
[TestFixture]
public sealed class FieldOwnershipTests
{
    private const string AfterApply = """
        {"f:metadata":{"f:annotations":{"f:h":{}},"f:labels":{"f:a":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"worker\"}":{".":{},"f:args":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:readinessProbe":{"f:grpc":{"f:port":{},"f:service":{}}},"f:resources":{"f:limits":{"f:memory":{}},"f:requests":{"f:cpu":{},"f:memory":{}}}}},"f:tolerations":{},"f:volumes":{"k:{\"name\":\"tmp\"}":{".":{},"f:emptyDir":{},"f:name":{}}}}}}}
        """;

    private const string AfterHandEdits = """
        {"f:metadata":{"f:annotations":{"f:h":{}}},"f:spec":{"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"worker\"}":{".":{},"f:args":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":8080,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:name":{},"f:protocol":{}}},"f:readinessProbe":{"f:grpc":{"f:port":{},"f:service":{}}},"f:resources":{"f:limits":{"f:memory":{}},"f:requests":{"f:memory":{}}}}},"f:tolerations":{},"f:volumes":{"k:{\"name\":\"tmp\"}":{".":{},"f:emptyDir":{},"f:name":{}}}}}}}
        """;

    [Test]
    public void CoversApplied_RightAfterApply_True()
    {
        FieldOwnership.CoversApplied(Fields(AfterApply), Applied()).Should().BeTrue();
    }

    [Test]
    public void CoversApplied_AfterHandEditsTookFields_False()
    {
        FieldOwnership.CoversApplied(Fields(AfterHandEdits), Applied()).Should().BeFalse();
    }

    [Test]
    public void CoversApplied_NewListElementNotYetOwned_False()
    {
        // Arrange
        var applied = Applied();
        applied.Spec.Template.Spec.Volumes.Add(new V1Volume { Name = "cache", EmptyDir = new V1EmptyDirVolumeSource() });

        // Act / Assert
        FieldOwnership.CoversApplied(Fields(AfterApply), applied).Should().BeFalse();
    }

    [Test]
    public void Owns_ReplicasAfterScaleBySomeoneElse_False()
    {
        FieldOwnership.Owns(Fields(AfterApply), "spec", "replicas").Should().BeTrue();
        FieldOwnership.Owns(Fields(AfterHandEdits), "spec", "replicas").Should().BeFalse();
    }

    [Test]
    public void CoversApplied_NoEntry_False()
    {
        FieldOwnership.CoversApplied(null, Applied()).Should().BeFalse();
    }

    private static JsonObject Fields(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static V1Deployment Applied() => KubernetesYaml.Deserialize<V1Deployment>("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x-worker, namespace: default, labels: {a: b}, annotations: {h: "1"}}
        spec:
          replicas: 2
          selector: {matchLabels: {a: b}}
          template:
            metadata: {labels: {a: b}}
            spec:
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
              containers:
              - name: worker
                image: img:1
                args: ["serve", "--x"]
                ports: [{name: grpc, containerPort: 8080, protocol: TCP}]
                resources: {requests: {cpu: "1", memory: 7Gi}, limits: {memory: 7Gi}}
                readinessProbe: {grpc: {port: 8080, service: ""}}
              volumes:
              - name: tmp
                emptyDir: {}
        """);
}
