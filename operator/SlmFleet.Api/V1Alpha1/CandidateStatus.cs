using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>How the candidate SlmDeployment compares with the reference side (see CandidateSpec).</summary>
public sealed class CandidateStatus
{
    /// <summary>The candidate SlmDeployment.</summary>
    [JsonPropertyName("deployment")]
    public string? Deployment { get; set; }

    /// <summary>Requests answered by both this month.</summary>
    [JsonPropertyName("samples")]
    public long Samples { get; set; }

    /// <summary>Share of them where the candidate agreed with the reference side.</summary>
    [JsonPropertyName("agreement")]
    public double Agreement { get; set; }

    /// <summary>The 95 % Wilson lower bound of that share.</summary>
    [JsonPropertyName("agreementLowerBound")]
    public double AgreementLowerBound { get; set; }

    /// <summary>An automatic promotion of this candidate was rolled back; it is not promoted again until the candidate changes.</summary>
    [JsonPropertyName("rolledBack")]
    public bool? RolledBack { get; set; }
}

/// <summary>An automatic promotion in force: the routers serve the policy from this deployment.</summary>
public sealed class PromotionStatus
{
    /// <summary>The SlmDeployment the routers serve the policy from instead of spec.slm.deploymentRef.</summary>
    [JsonPropertyName("deployment")]
    public string? Deployment { get; set; }

    /// <summary>When the switch happened (RFC 3339).</summary>
    [JsonPropertyName("since")]
    public string? Since { get; set; }

    /// <summary>Agreeing calibration samples counted this month when the switch happened (the rollback check counts from here).</summary>
    [JsonPropertyName("agreedAtSwitch")]
    public long AgreedAtSwitch { get; set; }

    /// <summary>All calibration samples counted this month when the switch happened.</summary>
    [JsonPropertyName("samplesAtSwitch")]
    public long SamplesAtSwitch { get; set; }
}
