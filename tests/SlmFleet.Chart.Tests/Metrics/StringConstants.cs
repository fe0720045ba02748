using System.Text;
using System.Text.RegularExpressions;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>
/// The string constants of a set of C# files (const string and static readonly string fields), and an
/// evaluator for the constant expressions metric names are written as: literals, constant references
/// (simple or qualified), "+" concatenation and interpolated strings of those.
/// </summary>
internal sealed partial class StringConstants
{
    private readonly List<Declaration> _declarations;

    private StringConstants(List<Declaration> declarations) => _declarations = declarations;

    public static StringConstants Collect(IEnumerable<SourceFile> files)
    {
        var declarations = new List<Declaration>();
        foreach (var file in files)
        {
            foreach (Match match in ConstantDeclaration().Matches(file.Text))
            {
                var type = TypeDeclaration().Match(file.Text[..match.Index]);
                declarations.Add(new Declaration(
                    file.Path,
                    type.Success ? type.Groups["type"].Value : string.Empty,
                    match.Groups["name"].Value,
                    match.Groups["expr"].Value));
            }
        }

        return new StringConstants(declarations);
    }

    /// <summary>The value of a constant expression written in <paramref name="file"/>, or null when it is not one.</summary>
    public string? Evaluate(string expression, SourceFile file) => Evaluate(expression, file.Path, depth: 0);

    private string? Evaluate(string expression, string filePath, int depth)
    {
        if (depth > 16)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var part in SplitConcatenation(expression.Trim()))
        {
            var value = EvaluatePart(part.Trim(), filePath, depth);
            if (value is null)
            {
                return null;
            }

            builder.Append(value);
        }

        return builder.ToString();
    }

    private string? EvaluatePart(string part, string filePath, int depth)
    {
        if (part.Length >= 2 && part[0] == '(' && part[^1] == ')')
        {
            return Evaluate(part[1..^1], filePath, depth + 1);
        }

        if (part.StartsWith("@\"", StringComparison.Ordinal) && part.EndsWith('"'))
        {
            return part[2..^1].Replace("\"\"", "\"", StringComparison.Ordinal);
        }

        if (part.StartsWith('"') && part.EndsWith('"') && part.Length >= 2)
        {
            return Regex.Unescape(part[1..^1]);
        }

        if (part.StartsWith("$\"", StringComparison.Ordinal) && part.EndsWith('"'))
        {
            var failed = false;
            var value = Interpolation().Replace(part[2..^1], hole =>
            {
                var resolved = Evaluate(hole.Groups["expr"].Value, filePath, depth + 1);
                failed |= resolved is null;
                return resolved ?? string.Empty;
            });
            return failed ? null : value;
        }

        if (QualifiedName().IsMatch(part))
        {
            return Resolve(part, filePath, depth);
        }

        return null;
    }

    /// <summary>Same file first, then the named type's constant, then a name unique across all files.</summary>
    private string? Resolve(string reference, string filePath, int depth)
    {
        var segments = reference.Split('.');
        var name = segments[^1];
        var typeName = segments.Length > 1 ? segments[^2] : null;
        var candidates = _declarations.Where(d => d.Name == name).ToList();
        var chosen =
            (typeName is null ? candidates.Where(d => d.File == filePath).ToList() : [])
            is { Count: 1 } local ? local
            : typeName is not null && candidates.Where(d => d.Type == typeName).ToList() is { Count: 1 } typed ? typed
            : candidates;
        if (chosen.Count != 1)
        {
            return null;
        }

        var declaration = chosen[0];
        return Evaluate(declaration.Expression, declaration.File, depth + 1);
    }

    private static IEnumerable<string> SplitConcatenation(string expression)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            var c = expression[i];
            if (c is '"')
            {
                var verbatim = i > 0 && expression[i - 1] == '@';
                i = CSharpCode.EndOfLiteral(expression, i, c, verbatim) - 1;
                continue;
            }

            if (c is '(' or '{')
            {
                depth++;
            }
            else if (c is ')' or '}')
            {
                depth--;
            }
            else if (c == '+' && depth == 0)
            {
                yield return expression[start..i];
                start = i + 1;
            }
        }

        yield return expression[start..];
    }

    [GeneratedRegex(@"\b(?:const\s+string|static\s+readonly\s+string)\s+(?<name>[A-Za-z_]\w*)\s*=\s*(?<expr>[^;]+);")]
    private static partial Regex ConstantDeclaration();

    [GeneratedRegex(@"\b(?:class|struct|record|interface)\s+(?<type>[A-Za-z_]\w*)", RegexOptions.RightToLeft)]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\{(?<expr>[^{}:]+)\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex(@"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*$")]
    private static partial Regex QualifiedName();

    private sealed record Declaration(string File, string Type, string Name, string Expression);
}
