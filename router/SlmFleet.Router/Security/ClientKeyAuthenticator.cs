using System.Security.Cryptography;
using System.Text;
using SlmFleet.Router.Hosting;

namespace SlmFleet.Router.Security;

/// <summary>
/// Optional client API keys, one per line in a file (a mounted Secret). Keys are kept only as SHA-256
/// hashes and compared with <see cref="CryptographicOperations.FixedTimeEquals"/> against every
/// known key without an early exit, so timing reveals neither a key nor which one matched. The file is
/// re-read when it changes (Secret rotation).
/// </summary>
internal sealed class ClientKeyAuthenticator
{
    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private byte[][] _hashes = [];
    private DateTime _loadedWriteTime;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    public ClientKeyAuthenticator(string? path, TimeProvider time)
    {
        _path = string.IsNullOrWhiteSpace(path) ? null : path;
        _time = time;
        if (_path is not null)
        {
            // Fail at start-up, not on the first request, when the configured file is missing.
            if (!File.Exists(_path))
            {
                throw new FileNotFoundException($"--client-keys-file: '{_path}' does not exist", _path);
            }

            Reload();
        }
    }

    public bool Enabled => _path is not null;

    /// <summary>Returns a stable, non-secret id for the key (for rate limiting), or null when the key is not valid.</summary>
    public string? Authenticate(ReadOnlySpan<char> presented)
    {
        if (presented.IsEmpty)
        {
            return null;
        }

        MaybeReload();
        Span<byte> hash = stackalloc byte[32];
        var bytes = Encoding.UTF8.GetBytes(presented.ToArray());
        SHA256.HashData(bytes, hash);
        var match = -1;
        var hashes = _hashes;
        for (var i = 0; i < hashes.Length; i++)
        {
            // No early exit: every key is compared every time.
            var equal = CryptographicOperations.FixedTimeEquals(hash, hashes[i]);
            match = equal ? i : match;
        }

        return match < 0 ? null : Convert.ToHexString(hash[..6]);
    }

    private void MaybeReload()
    {
        var now = _time.GetUtcNow();
        if (_path is null || now - _checkedAt < TimeSpan.FromSeconds(5))
        {
            return;
        }

        lock (_gate)
        {
            _checkedAt = now;
            if (File.Exists(_path) && MountedFile.LastWriteTimeUtc(_path) != _loadedWriteTime)
            {
                Reload();
            }
        }
    }

    private void Reload()
    {
        _loadedWriteTime = MountedFile.LastWriteTimeUtc(_path!);
        _checkedAt = _time.GetUtcNow();
        _hashes = [.. File.ReadAllLines(_path!)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => SHA256.HashData(Encoding.UTF8.GetBytes(line)))];
    }
}
