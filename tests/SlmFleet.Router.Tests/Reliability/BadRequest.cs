namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// One malformed router request: where it goes, its raw body bytes and headers, the status it must get
/// (<c>null</c> = 400) and a word its error message (or <c>param</c>) must contain.
/// </summary>
public sealed record BadRequest(string Name, string Path, byte[] Body, string? ContentType, IReadOnlyList<(string Name, string Value)> Headers, string Expect)
{
    /// <summary>The status the router must answer with; null means 400.</summary>
    public int? Status { get; init; }

    /// <summary>Send the body chunked (no Content-Length), so the limit is found while reading.</summary>
    public bool Chunked { get; init; }

    /// <summary>Send without the valid client API key (auth cases).</summary>
    public bool OmitKey { get; init; }

    /// <summary>Kestrel itself refuses these (past its last-resort header limits, before the router runs), so there is no OpenAI error body.</summary>
    public bool RefusedByServer { get; init; }
}
