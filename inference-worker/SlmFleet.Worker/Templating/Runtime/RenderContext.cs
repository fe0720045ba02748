using System.Text;
using SlmFleet.Worker.Templating.Syntax;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// The state of one render: the output, the current scope and the budget. Every statement, loop
/// iteration and call takes a step, and every string the template builds counts against the output
/// bound, so a hostile template ends with an error instead of hanging or exhausting memory.
/// </summary>
internal sealed class RenderContext
{
    private int _steps;
    private int _callDepth;
    private long _written;

    public RenderContext(string templateName, JinjaOptions options, Func<DateTimeOffset> now, Scope root)
    {
        TemplateName = templateName;
        Options = options;
        Now = now;
        Root = root;
        Scope = root;
    }

    public string TemplateName { get; }

    public JinjaOptions Options { get; }

    /// <summary>"Now" for strftime_now, injectable so renders that print the date are testable.</summary>
    public Func<DateTimeOffset> Now { get; }

    public Scope Root { get; }

    public Scope Scope { get; set; }

    public StringBuilder Output { get; private set; } = new();

    public void Step()
    {
        if (++_steps > Options.MaxSteps)
        {
            throw new JinjaException($"the template took more than {Options.MaxSteps} steps (statements, loop iterations and calls); is it looping without end?");
        }
    }

    public void Write(string text)
    {
        _written += text.Length;
        if (_written > Options.MaxOutputChars)
        {
            throw new JinjaException($"the template wrote more than {Options.MaxOutputChars} characters");
        }

        Output.Append(text);
    }

    /// <summary>Fails when a string or list the template builds would exceed the output bound.</summary>
    public void CheckSize(long length)
    {
        if (length > Options.MaxOutputChars)
        {
            throw new JinjaException($"the template built a value of {length} characters or items, more than the bound of {Options.MaxOutputChars}");
        }
    }

    /// <summary>Renders <paramref name="body"/> into a string of its own (macro calls, block set, filter blocks).</summary>
    public string Capture(IReadOnlyList<Statement> body, Scope scope, out Flow flow)
    {
        var savedOutput = Output;
        var savedScope = Scope;
        Output = new StringBuilder();
        Scope = scope;
        try
        {
            flow = Statement.RenderAll(body, this);
            return Output.ToString();
        }
        finally
        {
            Output = savedOutput;
            Scope = savedScope;
        }
    }

    public void EnterCall()
    {
        Step();
        if (++_callDepth > Options.MaxCallDepth)
        {
            throw new JinjaException($"macro calls nested deeper than {Options.MaxCallDepth}; is a macro recursing without end?");
        }
    }

    public void ExitCall() => _callDepth--;
}
