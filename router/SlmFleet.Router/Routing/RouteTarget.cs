namespace SlmFleet.Router.Routing;

/// <summary>Which side answers a request.</summary>
internal enum RouteTarget
{
    Slm,
    Llm,
}
