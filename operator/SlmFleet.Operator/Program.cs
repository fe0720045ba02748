using System.CommandLine;
using SlmFleet.Operator.Commands;

// Every subcommand lives in Commands/ and is registered here with one line.
var root = new RootCommand("slm-operator: the SLM Fleet control plane (CRD generator, controllers, autoscaler).")
{
    CrdsCommand.Create(),
    RunCommand.Create(),
};

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
