using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace SlmFleet.Operator.Crds;

/// <summary>
/// Reads the compiler's XML documentation file of an assembly (<c>SlmFleet.Api.xml</c> next to the
/// DLL) and turns <c>&lt;summary&gt;</c> elements into the plain one-line text CRD descriptions need.
/// </summary>
internal sealed partial class XmlDocumentation
{
    private readonly Dictionary<string, string> _summaries;

    private XmlDocumentation(Dictionary<string, string> summaries) => _summaries = summaries;

    /// <summary>Loads the documentation file that sits next to <paramref name="assembly"/>.</summary>
    public static XmlDocumentation For(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"XML documentation for {assembly.GetName().Name} not found at {path}; build with GenerateDocumentationFile=true", path);
        }

        return Parse(XDocument.Load(path));
    }

    /// <summary>Parses a documentation document.</summary>
    public static XmlDocumentation Parse(XDocument document)
    {
        var summaries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var member in document.Descendants("member"))
        {
            var name = member.Attribute("name")?.Value;
            var summary = member.Element("summary");
            if (name is not null && summary is not null)
            {
                summaries[name] = Clean(summary);
            }
        }

        return new XmlDocumentation(summaries);
    }

    /// <summary>The cleaned summary of a type, or null when it has none.</summary>
    public string? Summary(Type type) => _summaries.GetValueOrDefault($"T:{TypeId(type)}");

    /// <summary>The cleaned summary of a property, or null when it has none.</summary>
    public string? Summary(PropertyInfo property) =>
        _summaries.GetValueOrDefault($"P:{TypeId(property.DeclaringType!)}.{property.Name}");

    /// <summary>Flattens a doc element: tags such as <c>&lt;c&gt;</c> keep their text, <c>&lt;see cref&gt;</c> becomes the member's short name, whitespace collapses.</summary>
    internal static string Clean(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when !see.Nodes().Any():
                    var reference = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? string.Empty;
                    text.Append(ShortName(reference));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } p:
                    text.Append(p.Attribute("name")?.Value);
                    break;
                case XElement child:
                    Append(child, text);
                    break;
            }
        }
    }

    private static string ShortName(string reference)
    {
        var withoutPrefix = reference.Length > 2 && reference[1] == ':' ? reference[2..] : reference;
        var withoutArguments = withoutPrefix.Split('(')[0];
        return withoutArguments[(withoutArguments.LastIndexOf('.') + 1)..];
    }

    private static string TypeId(Type type) => type.FullName!.Replace('+', '.');

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
