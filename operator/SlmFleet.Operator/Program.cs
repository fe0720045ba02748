// slm-operator entry point; commands are added as the control plane lands.
Console.Error.WriteLine("slm-operator: no command implemented yet");
return 1;
