using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>The custom resources a router in cluster mode watches, as the CRDs declare them (status, and scale for SlmDeployments).</summary>
public static class FleetResourceTypes
{
    public static void RegisterOn(KubeApiTestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.RegisterResource(new ResourceType(ApiGroup.Group, ApiGroup.Version, V1Alpha1RoutingPolicy.Plural, V1Alpha1RoutingPolicy.KindName, HasStatus: true));
        server.RegisterResource(new ResourceType(ApiGroup.Group, ApiGroup.Version, V1Alpha1SlmDeployment.Plural, V1Alpha1SlmDeployment.KindName, HasStatus: true, Scale: new()));
    }
}
