namespace SlmFleet.Worker.Constraints;

/// <summary>
/// The tokens one grammar state allows whatever the stack beneath it. <see cref="Ids"/> lists the
/// allowed tokens, or with <see cref="Complement"/> the rejected ones (inside a free string almost
/// everything is allowed, so the short list is the one stored). <see cref="Uncertain"/> tokens
/// would pop into the caller's rule part-way; they are checked against the real stack each step.
/// </summary>
internal sealed class StateMask(int[] ids, bool complement, int[] uncertain)
{
    public int[] Ids { get; } = ids;

    public bool Complement { get; } = complement;

    public int[] Uncertain { get; } = uncertain;

    public bool Allows(int token) => Array.BinarySearch(Ids, token) >= 0 != Complement;
}
