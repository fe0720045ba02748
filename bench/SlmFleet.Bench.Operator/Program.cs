// Placeholder entry point until the Operator benchmark lands; it reports that nothing was measured.
Console.Error.WriteLine("Operator benchmark: not implemented yet");
return 0;
