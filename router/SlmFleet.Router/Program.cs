// slm-router entry point; the OpenAI-compatible front door lands here.
Console.Error.WriteLine("slm-router: not implemented yet");
return 1;
