using SlmFleet.Worker.Cli;

return await CliCommands.Build().Parse(args).InvokeAsync();
