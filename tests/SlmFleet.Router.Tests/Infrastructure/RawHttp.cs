using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a plain socket, for tests that must control every header byte on the wire (HttpClient
/// adds and merges headers). One request per connection (<c>Connection: close</c>).
/// </summary>
public static class RawHttp
{
    /// <summary>What a header line counts against the router's limit: name + value + 4 (": " and CRLF).</summary>
    public static int LineBytes((string Name, string Value) header) => header.Name.Length + header.Value.Length + 4;

    /// <summary>The two lines every raw request carries: Host and Connection: close.</summary>
    public static IReadOnlyList<(string Name, string Value)> BaseHeaders { get; } = [("Host", "127.0.0.1"), ("Connection", "close")];

    /// <summary>Sends <c>GET path</c> with <see cref="BaseHeaders"/> plus <paramref name="headers"/>; returns the status, headers and (de-chunked) body.</summary>
    public static async Task<(int Status, string Head, string Body)> GetAsync(Uri server, string path, IEnumerable<(string Name, string Value)> headers)
    {
        var request = new StringBuilder($"GET {path} HTTP/1.1\r\n");
        foreach (var (name, value) in BaseHeaders.Concat(headers))
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        request.Append("\r\n");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = tcp.GetStream();
        var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it has read a flood; the answer is still readable.
        }

        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer: keep what arrived.
        }

        var text = Encoding.Latin1.GetString(received.ToArray());
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new InvalidOperationException($"no HTTP answer: '{text}'");
        }

        var head = text[..split];
        var body = text[(split + 4)..];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, head, head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Dechunk(body) : body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0)
            {
                return body.ToString();
            }

            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
