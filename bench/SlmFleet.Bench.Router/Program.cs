// Placeholder entry point until the Router benchmark lands; it reports that nothing was measured.
Console.Error.WriteLine("Router benchmark: not implemented yet");
return 0;
