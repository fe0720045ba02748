namespace SlmFleet.Worker.Model;

/// <summary>A model folder that cannot be served; the message names the file and what is wrong.</summary>
internal sealed class ModelLoadException : Exception
{
    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ModelLoadException()
    {
    }
}
