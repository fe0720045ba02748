using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Hosting;

/// <summary>
/// The router's own request-header limits, checked before anything else so that an oversized header
/// block gets 431 with an OpenAI error body. Kestrel's own limits are set to <see cref="HardLimitFactor"/>
/// times these and only answer (a bare 431) requests far beyond them.
/// </summary>
/// <remarks>
/// A header line counts as name + value + 4 bytes (": " and CRLF, as on the HTTP/1.1 wire), for
/// HTTP/1.1 and HTTP/2 alike; repeated headers count once per value. The check walks the header
/// collection Kestrel already parsed: no allocation per header, one enumerator per request.
/// </remarks>
internal sealed class RequestHeaderLimits(int maxBytes, int maxHeaders)
{
    public const int HardLimitFactor = 4;
    public const string Code = "request_headers_too_large";
    private const int LineOverhead = 4;

    public int MaxBytes => maxBytes;

    public int MaxHeaders => maxHeaders;

    /// <summary>Kestrel's total-size limit: far enough above ours that ours answers first.</summary>
    public int HardMaxBytes => (int)Math.Min(int.MaxValue, (long)maxBytes * HardLimitFactor);

    /// <summary>Kestrel's header-count limit.</summary>
    public int HardMaxHeaders => (int)Math.Min(int.MaxValue, (long)maxHeaders * HardLimitFactor);

    /// <exception cref="InvalidOperationException">A limit is not positive.</exception>
    public static RequestHeaderLimits From(RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRequestHeaderBytes < 1)
        {
            throw new InvalidOperationException($"--max-request-header-bytes: {options.MaxRequestHeaderBytes} is not accepted; give a positive number of bytes (default 32768).");
        }

        if (options.MaxRequestHeaders < 1)
        {
            throw new InvalidOperationException($"--max-request-headers: {options.MaxRequestHeaders} is not accepted; give a positive number of header lines (default 100).");
        }

        return new RequestHeaderLimits(options.MaxRequestHeaderBytes, options.MaxRequestHeaders);
    }

    /// <summary>Null when the headers are within the limits, else the 431 to answer.</summary>
    public RequestError? Check(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        long bytes = 0;
        var lines = 0;
        foreach (var (name, values) in headers)
        {
            var count = values.Count;
            lines += count;
            bytes += (long)(name.Length + LineOverhead) * count;
            for (var i = 0; i < count; i++)
            {
                bytes += values[i]?.Length ?? 0;
            }
        }

        if (lines > maxHeaders)
        {
            return new RequestError(431, $"The request has {lines} header lines; the router accepts at most {maxHeaders} headers.", OpenAiErrors.InvalidRequest, null, Code);
        }

        return bytes > maxBytes
            ? new RequestError(431, $"The request headers total {bytes} bytes; the router accepts at most {maxBytes} bytes of headers (counting name, value and 4 bytes per line).", OpenAiErrors.InvalidRequest, null, Code)
            : null;
    }
}
