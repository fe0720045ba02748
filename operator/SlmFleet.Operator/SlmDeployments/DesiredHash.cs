using System.Security.Cryptography;
using System.Text;
using k8s;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// A digest of what the operator rendered, stored as an annotation on the live object. Comparing
/// digests instead of whole objects ignores everything the API server defaults or other controllers
/// add, so a steady state causes no writes.
/// </summary>
internal static class DesiredHash
{
    public static string Of(object desired)
    {
        var json = KubernetesJson.Serialize(desired);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        return Convert.ToHexStringLower(digest.AsSpan(0, 8));
    }
}
