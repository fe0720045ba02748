namespace SlmFleet.Router.Policies;

/// <summary>An SlmDeployment as the router needs it: its name (also its Service's name) and its served model name.</summary>
internal sealed record SlmDeploymentEntry(string Name, string ServedModel);
