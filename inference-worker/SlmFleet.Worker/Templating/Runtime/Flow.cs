namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>How a statement ended: normally, or by <c>{% break %}</c> / <c>{% continue %}</c> (loopcontrols, which transformers enables).</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
