using SlmFleet.Demo;

return await DemoCommands.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
