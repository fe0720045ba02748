namespace SlmFleet.Router.Tests.Reliability;

/// <summary>Known secret values the reliability tests plant and then look for in every output.</summary>
public static class BadRequestKeys
{
    /// <summary>The one client API key the test router accepts.</summary>
    public const string Valid = "sk-client-7f3a9c1e5b2d4086a1c3e5f7";

    /// <summary>The LLM API key in the router's mounted Secret file.</summary>
    public const string Llm = "sk-llm-secret-2b8d6f0a4c1e3579bdf1";
}
