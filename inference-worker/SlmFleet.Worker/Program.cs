// slm-worker entry point; commands are added as the data plane lands.
Console.Error.WriteLine("slm-worker: no command implemented yet");
return 1;
