using System.CommandLine;
using SlmFleet.Operator.Crds;

namespace SlmFleet.Operator.Commands;

/// <summary><c>slm-operator crds --output DIR [--docs FILE]</c>: writes the generated CRDs (and optionally the CRD reference).</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            Description = "Folder to write the CustomResourceDefinition YAML files into (created if missing).",
            Required = true,
        };
        var docs = new Option<FileInfo?>("--docs")
        {
            Description = "Also write the Markdown CRD reference (every field, type, default, validation) to this file.",
        };
        var command = new Command("crds", "Generate the CustomResourceDefinitions from the C# API types.") { output, docs };
        command.SetAction(parseResult => Run(parseResult.GetValue(output)!, parseResult.GetValue(docs)));
        return command;
    }

    private static int Run(DirectoryInfo output, FileInfo? docs)
    {
        Directory.CreateDirectory(output.FullName);
        foreach (var file in CrdGenerator.Generate())
        {
            var path = Path.Combine(output.FullName, file.FileName);
            File.WriteAllText(path, file.Content);
            Console.Out.WriteLine($"wrote {path}");
        }

        if (docs is not null)
        {
            if (docs.DirectoryName is { } folder)
            {
                Directory.CreateDirectory(folder);
            }

            File.WriteAllText(docs.FullName, CrdDocsWriter.Write(CrdGenerator.ResourceTypes.Select(CrdGenerator.Crd)));
            Console.Out.WriteLine($"wrote {docs.FullName}");
        }

        return 0;
    }
}
