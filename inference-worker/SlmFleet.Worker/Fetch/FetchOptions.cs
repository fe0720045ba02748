namespace SlmFleet.Worker.Fetch;

/// <summary>Where hf:// points and which credentials to send.</summary>
internal sealed record FetchOptions
{
    public static Uri DefaultHubUrl { get; } = new("https://huggingface.co/");

    /// <summary>Base URL for hf:// sources (HF_ENDPOINT overrides it, as in huggingface_hub); tests point it at a local server.</summary>
    public Uri HubUrl { get; init; } = DefaultHubUrl;

    public string Revision { get; init; } = "main";

    /// <summary>Bearer token; never logged or echoed in errors.</summary>
    public string? Token { get; init; }
}
