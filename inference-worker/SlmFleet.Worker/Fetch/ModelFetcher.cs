using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SlmFleet.Worker.Fetch;

/// <summary>
/// Downloads a model folder from hf://org/repo[/subdir], an https:// file or a file:// path.
/// Downloads go to "name.part" and resume with an HTTP Range request; a SHA-256 from the source
/// (Hugging Face LFS oid, X-Linked-Etag, or a #sha256= URL fragment) is checked before the rename.
/// </summary>
internal sealed partial class ModelFetcher(HttpClient http, FetchOptions options, IDownloadProgress progress)
{
    private const int BufferSize = 1 << 16;

    public async Task<IReadOnlyList<string>> FetchAsync(string source, string destination, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(destination);
        if (source.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return CopyLocal(new Uri(source).LocalPath, destination);
        }

        var files = source switch
        {
            _ when source.StartsWith("hf://", StringComparison.OrdinalIgnoreCase) => await ListHubFilesAsync(source, cancellationToken),
            _ when source.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) => [SingleFile(source)],
            _ => throw new FetchException($"--source: \"{source}\" is not supported; accepted: hf://org/repo[/subdir], https://host/path/file, file:///path"),
        };

        var written = new List<string>();
        foreach (var file in files)
        {
            written.Add(await DownloadAsync(file, destination, cancellationToken));
        }

        return written;
    }

    private static RemoteFile SingleFile(string source)
    {
        var uri = new Uri(source);
        var sha = Sha256Fragment().Match(uri.Fragment) is { Success: true } m ? m.Groups[1].Value.ToLowerInvariant() : null;
        var clean = new UriBuilder(uri) { Fragment = string.Empty }.Uri;
        return new RemoteFile(clean, Path.GetFileName(clean.LocalPath), null, sha);
    }

    private async Task<List<RemoteFile>> ListHubFilesAsync(string source, CancellationToken cancellationToken)
    {
        var parts = source["hf://".Length..].Trim('/').Split('/', 3);
        if (parts.Length < 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new FetchException($"--source: \"{source}\" is not hf://org/repo[/subdir]");
        }

        var repo = $"{parts[0]}/{parts[1]}";
        var subdir = parts.Length == 3 ? parts[2].Trim('/') : string.Empty;
        var listUrl = new Uri(options.HubUrl, $"api/models/{repo}/tree/{options.Revision}/{subdir}?recursive=true");
        var files = new List<RemoteFile>();
        // The hub pages long listings with a Link: <…>; rel="next" header.
        for (Uri? page = listUrl; page is not null;)
        {
            using var response = await SendAsync(page, null, cancellationToken);
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                if (entry.GetProperty("type").GetString() != "file")
                {
                    continue;
                }

                var path = entry.GetProperty("path").GetString()!;
                var relative = subdir.Length > 0 && path.StartsWith(subdir + "/", StringComparison.Ordinal) ? path[(subdir.Length + 1)..] : path;
                long? size = entry.TryGetProperty("size", out var s) ? s.GetInt64() : null;
                string? sha = entry.TryGetProperty("lfs", out var lfs) && lfs.TryGetProperty("oid", out var oid) ? oid.GetString() : null;
                files.Add(new RemoteFile(new Uri(options.HubUrl, $"{repo}/resolve/{options.Revision}/{path}"), relative, size, sha));
            }

            page = response.Headers.TryGetValues("Link", out var links) && NextLink().Match(string.Join(',', links)) is { Success: true } next
                ? new Uri(page, next.Groups[1].Value)
                : null;
        }

        return files.Count == 0 ? throw new FetchException($"{listUrl}: no files under \"{subdir}\"") : files;
    }

    private async Task<string> DownloadAsync(RemoteFile file, string destination, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(Path.Combine(destination, file.RelativePath));
        if (!target.StartsWith(Path.GetFullPath(destination), StringComparison.Ordinal))
        {
            throw new FetchException($"{file.Url}: path \"{file.RelativePath}\" escapes the destination folder");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target) && file.Size is { } expected && new FileInfo(target).Length == expected)
        {
            progress.Report(file.RelativePath, expected, expected);
            return target;
        }

        var partial = target + ".part";
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var response = await SendAsync(file.Url, offset > 0 ? offset : null, cancellationToken);
        string? sha = file.Sha256 ?? HeaderSha256(response);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // The part file already holds every byte; only the checksum and rename are left.
            return Complete(partial, target, sha, file.Url);
        }

        var append = response.StatusCode == HttpStatusCode.PartialContent;
        var total = response.Content.Headers.ContentLength is { } length ? length + (append ? offset : 0) : file.Size;
        try
        {
            await using var output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            await using var input = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[BufferSize];
            var done = append ? offset : 0;
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                done += read;
                progress.Report(file.RelativePath, done, total);
            }
        }
        catch (IOException ex) when (IsDiskFull(ex))
        {
            throw new FetchException($"disk full while writing {partial}: free space on that volume and run fetch-model again; it resumes from the bytes already written", ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new FetchException($"{file.Url}: download interrupted ({ex.Message}); run fetch-model again to resume from {new FileInfo(partial).Length} bytes", ex);
        }

        return Complete(partial, target, sha, file.Url);
    }

    private static string Complete(string partial, string target, string? sha, Uri url)
    {
        if (sha is not null)
        {
            using var stream = File.OpenRead(partial);
            var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (!string.Equals(actual, sha, StringComparison.OrdinalIgnoreCase))
            {
                stream.Dispose();
                File.Delete(partial);
                throw new FetchException($"{url}: checksum mismatch: expected sha256 {sha}, got {actual}; the partial file was removed, run fetch-model again");
            }
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }

    private async Task<HttpResponseMessage> SendAsync(Uri url, long? rangeFrom, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (options.Token is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (rangeFrom is { } from)
        {
            request.Headers.Range = new RangeHeaderValue(from, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new FetchException($"{url}: request failed ({ex.Message})", ex);
        }

        if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return response;
        }

        var status = (int)response.StatusCode;
        response.Dispose();
        throw status switch
        {
            401 or 403 => new FetchException(
                $"{url}: {status} {(status == 401 ? "Unauthorized" : "Forbidden")}: the source needs a token with access; set HF_TOKEN or pass --token-file" +
                (options.Token is null ? " (no token was sent)" : " (the token sent was refused)")),
            404 => new FetchException($"{url}: 404 Not Found: check the organisation, repository, sub-folder and revision ({options.Revision})"),
            _ => new FetchException($"{url}: HTTP {status}"),
        };
    }

    private static string? HeaderSha256(HttpResponseMessage response)
    {
        foreach (var name in new[] { "X-Linked-Etag", "ETag" })
        {
            if (response.Headers.TryGetValues(name, out var values)
                && Sha256Hex().Match(values.First()) is { Success: true } match)
            {
                return match.Groups[1].Value.ToLowerInvariant();
            }
        }

        return null;
    }

    private static bool IsDiskFull(IOException ex)
        => ex.HResult is 28 or 112 or unchecked((int)0x80070070) || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    private List<string> CopyLocal(string path, string destination)
    {
        if (File.Exists(path))
        {
            var target = Path.Combine(destination, Path.GetFileName(path));
            File.Copy(path, target, overwrite: true);
            return [target];
        }

        if (!Directory.Exists(path))
        {
            throw new FetchException($"--source: {path} does not exist");
        }

        var copied = new List<string>();
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            try
            {
                File.Copy(file, target, overwrite: true);
            }
            catch (IOException ex) when (IsDiskFull(ex))
            {
                throw new FetchException($"disk full while writing {target}: free space on that volume and run fetch-model again", ex);
            }

            progress.Report(Path.GetRelativePath(path, file), new FileInfo(target).Length, new FileInfo(file).Length);
            copied.Add(target);
        }

        return copied;
    }

    [GeneratedRegex("^\"?([0-9a-fA-F]{64})\"?$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("<([^>]+)>;\\s*rel=\"next\"")]
    private static partial Regex NextLink();

    [GeneratedRegex("sha256=([0-9a-fA-F]{64})")]
    private static partial Regex Sha256Fragment();
}
