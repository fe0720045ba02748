using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SlmFleet.Testing.Logging;

/// <summary>
/// Records every log entry (formatted message, exception text and structured values) and every scope
/// opened, so tests can scan all of it for secrets.
/// </summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(LogLevel Level, string Category, string Text)> _entries = new();
    private readonly ConcurrentQueue<string> _scopes = new();

    public IReadOnlyCollection<(LogLevel Level, string Category, string Text)> Entries => _entries;

    /// <summary>The state of every scope opened (a scope can carry values no entry repeats).</summary>
    public IReadOnlyCollection<string> Scopes => _scopes;

    /// <summary>All entries, then all scopes, as one text, for substring scans.</summary>
    public string AllText => string.Join('\n', _entries.Select(e => $"{e.Level} {e.Category} {e.Text}").Concat(_scopes));

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Recorder(RecordingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._scopes.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " | " + string.Join(", ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            if (exception is not null)
            {
                text += " | " + exception;
            }

            owner._entries.Enqueue((logLevel, category, text));
        }
    }
}
