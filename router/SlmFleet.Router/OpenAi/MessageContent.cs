namespace SlmFleet.Router.OpenAi;

/// <summary>
/// A message's content as the router needs it: the text the SLM would see, and the type of the first
/// part that is not text (<c>image_url</c>, <c>input_audio</c>, <c>file</c>), which the SLM cannot read
/// and which therefore sends the request to the LLM with the body unchanged.
/// </summary>
internal sealed record MessageContent(string Text, string? NonTextPart);
