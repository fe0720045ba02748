using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>
/// A loopback stand-in for the Hugging Face hub: the tree API (api/models/{org}/{repo}/tree/{rev}/{path})
/// and resolve URLs ({org}/{repo}/resolve/{rev}/{path}) with HTTP Range, bearer tokens, and a
/// one-shot fault that drops the connection part-way through a file.
/// </summary>
public sealed class FakeModelHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _shaOverrides = new(StringComparer.Ordinal);

    private FakeModelHub(WebApplication app) => _app = app;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>When set, every request must carry "Authorization: Bearer {token}".</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Path whose next download stops after <see cref="CutAfterBytes"/> bytes.</summary>
    public string? CutPath { get; set; }

    public int CutAfterBytes { get; set; }

    public ConcurrentQueue<string> RangeHeaders { get; } = new();

    /// <summary>When above 0, tree listings are paged like the hub's: a Link header with rel="next".</summary>
    public int PageSize { get; set; }

    public static async Task<FakeModelHub> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var hub = new FakeModelHub(app);
        app.MapGet("/api/models/{org}/{repo}/tree/{rev}/{**subdir}", hub.Tree);
        app.MapGet("/{org}/{repo}/resolve/{rev}/{**path}", hub.Resolve);
        await app.StartAsync();
        hub.BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return hub;
    }

    /// <summary>Adds a file at "org/repo/path"; <paramref name="advertisedSha"/> replaces the real checksum in the tree listing.</summary>
    public void Add(string repoPath, byte[] content, string? advertisedSha = null)
    {
        _files[repoPath] = content;
        if (advertisedSha is not null)
        {
            _shaOverrides[repoPath] = advertisedSha;
        }
    }

    private IResult Tree(string org, string repo, string rev, string? subdir, HttpContext context)
    {
        if (!Authorized(context))
        {
            return Results.StatusCode(401);
        }

        var prefix = $"{org}/{repo}/";
        var entries = _files
            .Where(f => f.Key.StartsWith(prefix + (string.IsNullOrEmpty(subdir) ? string.Empty : subdir + "/"), StringComparison.Ordinal))
            .Select(f => new
            {
                type = "file",
                path = f.Key[prefix.Length..],
                size = f.Value.Length,
                lfs = new { oid = _shaOverrides.TryGetValue(f.Key, out var sha) ? sha : Convert.ToHexStringLower(SHA256.HashData(f.Value)), size = f.Value.Length },
            })
            .OrderBy(e => e.path, StringComparer.Ordinal)
            .ToList();
        if (entries.Count == 0)
        {
            return Results.NotFound();
        }

        if (PageSize > 0)
        {
            var cursor = int.TryParse(context.Request.Query["cursor"], out var c) ? c : 0;
            if (cursor + PageSize < entries.Count)
            {
                context.Response.Headers.Link = $"<{context.Request.Path}?recursive=true&cursor={cursor + PageSize}>; rel=\"next\"";
            }

            entries = entries.Skip(cursor).Take(PageSize).ToList();
        }

        return Results.Json(entries);
    }

    private async Task Resolve(string org, string repo, string rev, string path, HttpContext context)
    {
        if (!Authorized(context))
        {
            context.Response.StatusCode = 401;
            return;
        }

        var key = $"{org}/{repo}/{path}";
        if (!_files.TryGetValue(key, out var content))
        {
            context.Response.StatusCode = 404;
            return;
        }

        var from = 0;
        if (context.Request.Headers.Range.ToString() is { Length: > 0 } range)
        {
            RangeHeaders.Enqueue(range);
            from = int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            if (from >= content.Length)
            {
                context.Response.StatusCode = 416;
                return;
            }

            context.Response.StatusCode = 206;
        }

        var body = content.AsMemory(from);
        context.Response.ContentLength = body.Length;
        if (CutPath == path)
        {
            CutPath = null;
            await context.Response.Body.WriteAsync(body[..CutAfterBytes]);
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }

        await context.Response.Body.WriteAsync(body);
    }

    private bool Authorized(HttpContext context)
        => RequiredToken is null || context.Request.Headers.Authorization.ToString() == $"Bearer {RequiredToken}";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
