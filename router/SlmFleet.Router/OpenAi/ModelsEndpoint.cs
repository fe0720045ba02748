using SlmFleet.Router.Observability;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Security;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// <c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>: the names a client may send as <c>model</c>
/// (policy aliases and directly served SLMs), as OpenAI model objects. Behind client keys like the rest
/// of <c>/v1</c>: the list names the operator's policies.
/// </summary>
internal sealed class ModelsEndpoint(PolicyStore policies, ClientAdmission admission, RouterMetrics metrics)
{
    /// <summary>OpenAI's <c>owned_by</c>: who serves the name, which is this fleet for every entry.</summary>
    public const string OwnedBy = "slm-fleet";

    public Task ListAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (admission.Admit(context) is { } refused)
        {
            return FailAsync(context, refused);
        }

        var list = new ModelListDto { Data = [.. policies.Current.ModelNames.Select(Model)] };
        return context.Response.WriteAsJsonAsync(list, RouterJsonContext.Default.ModelListDto, cancellationToken: context.RequestAborted);
    }

    public Task GetAsync(HttpContext context, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (admission.Admit(context) is { } refused)
        {
            return FailAsync(context, refused);
        }

        return policies.Current.TryResolve(id, out var resolved)
            ? context.Response.WriteAsJsonAsync(Model(resolved.Model), RouterJsonContext.Default.ModelDto, cancellationToken: context.RequestAborted)
            : FailAsync(context, NotFound(policies.Current, id, "model"));
    }

    /// <summary>The 404 chat completions gives for an unknown model, naming (up to 20) known ones.</summary>
    public static RequestError NotFound(PolicyCatalog catalog, string model, string? param)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var known = string.Join(", ", catalog.ModelNames.Take(20));
        return new RequestError(404, $"The model '{model}' does not exist; known models: {(known.Length == 0 ? "(none)" : known)}.", OpenAiErrors.InvalidRequest, param, "model_not_found");
    }

    // "created" is 0: a policy's creation time is not known in local mode, and one replica's start time
    // would differ from another's; OpenAI's SDKs read the field but nothing depends on its value.
    private static ModelDto Model(string id) => new() { Id = id, Created = 0, OwnedBy = OwnedBy };

    private Task FailAsync(HttpContext context, RequestError error)
    {
        metrics.RecordClientError(error.Status, error.Code ?? "none");
        return OpenAiErrors.WriteAsync(context, error);
    }
}
