using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

[TestFixture]
public sealed class WorkerDeploymentBuilderTests
{
    [Test]
    public void Build_ChatTemplateUnset_PassesNoChatTemplateFlag()
    {
        // Arrange
        var resource = Valid();

        // Act
        var args = WorkerArgs(resource);

        // Assert: the worker then renders the model's own template.
        args.Should().NotContain("--chat-template");
        args.Should().ContainInOrder("--served-name", "qwen2.5-1.5b", "--execution-provider", "cuda");
    }

    [TestCase("llama3")]
    [TestCase("<|{role}|>\n{content}<|end|>\n")]
    [TestCase("{% for message in messages %}<|{{ message.role }}|>\n{{ message.content }}<|end|>\n{% endfor %}<|assistant|>\n")]
    public void Build_ChatTemplateSet_PassesItVerbatimAsOneArgument(string template)
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Model.ChatTemplate = template;

        // Act
        var args = WorkerArgs(resource);

        // Assert
        args.Should().ContainInOrder("--served-name", "qwen2.5-1.5b", "--chat-template", template, "--execution-provider", "cuda");
        args.Count(a => a == "--chat-template").Should().Be(1);
    }

    [Test]
    public void Build_PerReplicaClaim_RendersAGenericEphemeralVolumeInsteadOfEmptyDir()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.ModelCache = new ModelCacheSpec { PerReplicaClaim = new PerReplicaClaimSpec { Size = "25Gi", StorageClassName = "gp3" } };

        // Act
        var cache = Render(resource).Spec.Template.Spec.Volumes.Single(v => v.Name == "model-cache");

        // Assert
        cache.EmptyDir.Should().BeNull();
        cache.PersistentVolumeClaim.Should().BeNull();
        var template = cache.Ephemeral.VolumeClaimTemplate;
        template.Spec.AccessModes.Should().Equal("ReadWriteOnce");
        template.Spec.StorageClassName.Should().Be("gp3");
        template.Spec.Resources.Requests["storage"].ToString().Should().Be("25Gi");
        template.Metadata.Labels.Should().Contain(WorkerLabels.DeploymentLabel, "qwen");
    }

    private static IList<string> WorkerArgs(V1Alpha1SlmDeployment resource) =>
        Render(resource).Spec.Template.Spec.Containers.Single(c => c.Name == WorkerDeploymentBuilder.WorkerContainer).Args;

    private static k8s.Models.V1Deployment Render(V1Alpha1SlmDeployment resource)
    {
        AcceleratorCatalog.Default.TryGet(resource.Spec.Accelerator.Type, out var profile).Should().BeTrue();
        var estimate = ModelFitCheck.Estimate(resource.Spec.Model, new RuntimeSpec().MaxBatchSize);
        var settings = WorkerSettingsResolver.Resolve(resource, profile!, estimate, new SlmDeploymentOptions());
        return WorkerDeploymentBuilder.Build(settings, resource);
    }
}
