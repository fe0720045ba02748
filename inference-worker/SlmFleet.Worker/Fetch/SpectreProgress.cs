using Spectre.Console;

namespace SlmFleet.Worker.Fetch;

/// <summary>One Spectre.Console progress bar per file.</summary>
internal sealed class SpectreProgress(ProgressContext context) : IDownloadProgress
{
    private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);

    public void Report(string file, long done, long? total)
    {
        if (!_tasks.TryGetValue(file, out var task))
        {
            task = context.AddTask(Markup.Escape(file), maxValue: Math.Max(1, total ?? 1));
            _tasks[file] = task;
        }

        if (total is { } max)
        {
            task.MaxValue = Math.Max(1, max);
        }

        task.Value = done;
    }
}
