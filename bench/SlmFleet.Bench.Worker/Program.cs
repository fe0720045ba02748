// Placeholder entry point until the Worker benchmark lands; it reports that nothing was measured.
Console.Error.WriteLine("Worker benchmark: not implemented yet");
return 0;
