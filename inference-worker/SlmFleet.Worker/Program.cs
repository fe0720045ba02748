using System.CommandLine;
using SlmFleet.Worker.Cli;

// SIGTERM cancels the command's token; the worker then drains for --drain-seconds (default 20). System.CommandLine
// would kill the process 2 s after the signal by default, cutting the drain short: the host's own shutdown
// timeout bounds it instead.
return await CliCommands.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
