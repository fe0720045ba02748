// Placeholder entry point until the Autoscaler benchmark lands; it reports that nothing was measured.
Console.Error.WriteLine("Autoscaler benchmark: not implemented yet");
return 0;
