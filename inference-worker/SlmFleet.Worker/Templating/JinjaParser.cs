using System.Globalization;
using SlmFleet.Worker.Templating.Runtime;
using SlmFleet.Worker.Templating.Syntax;

namespace SlmFleet.Worker.Templating;

/// <summary>
/// Recursive-descent parser for the Jinja subset of chat templates. Operator precedence follows
/// Jinja's grammar, lowest first: conditional <c>a if c else b</c>; <c>or</c>; <c>and</c>; <c>not</c>;
/// comparisons (<c>== != &lt; &gt; &lt;= &gt;= in</c>, <c>not in</c>); <c>+ -</c>; <c>~</c>;
/// <c>* / // %</c>; <c>**</c>; unary <c>- +</c>; then a primary with its postfixes (<c>.a</c>,
/// <c>[k]</c>, <c>(args)</c>) and its filters and tests (<c>| f</c>, <c>is t</c>).
/// </summary>
internal sealed class JinjaParser
{
    private static readonly HashSet<string> CompareOperators = ["==", "!=", "<", ">", "<=", ">="];

    private readonly List<JinjaToken> _tokens;
    private readonly string _name;
    private readonly JinjaOptions _options;
    private int _index;
    private int _nesting;
    private int _loopDepth;

    private JinjaParser(List<JinjaToken> tokens, string name, JinjaOptions options)
    {
        _tokens = tokens;
        _name = name;
        _options = options;
    }

    public static IReadOnlyList<Statement> Parse(string source, string name, JinjaOptions options)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source, name, options), name, options);
        var (body, end) = parser.ParseBody([]);
        if (end is not null)
        {
            throw parser.Error($"unexpected '{end.Value.Value}': there is no open block it could close", end.Value);
        }

        return body;
    }

    private JinjaToken Current => _tokens[_index];

    private JinjaToken Next() => _tokens[_index++];

    /// <summary>Parses statements until a block tag named in <paramref name="endNames"/> (returned, with its tag consumed up to the name) or the end of the template.</summary>
    private (List<Statement> Body, JinjaToken? End) ParseBody(IReadOnlyCollection<string> endNames)
    {
        Enter();
        var body = new List<Statement>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case JinjaTokenKind.EndOfFile:
                    if (endNames.Count > 0)
                    {
                        throw Error($"unexpected end of template: expected {string.Join(" or ", endNames.Select(n => $"'{{% {n} %}}'"))}", token);
                    }

                    Exit();
                    return (body, null);
                case JinjaTokenKind.Text:
                    _index++;
                    body.Add(new TextStatement(token.Value, token.Line, token.Column));
                    break;
                case JinjaTokenKind.VariableBegin:
                    _index++;
                    var expression = ParseTuple(allowConditional: true);
                    Expect(JinjaTokenKind.VariableEnd, "'}}'");
                    body.Add(new OutputStatement(expression, token.Line, token.Column));
                    break;
                case JinjaTokenKind.BlockBegin:
                    var name = _tokens[_index + 1];
                    if (name.Kind != JinjaTokenKind.Name)
                    {
                        throw Error($"expected a tag name after '{{%', found {name.Describe()}", name);
                    }

                    if (endNames.Contains(name.Value) || IsEndTag(name.Value))
                    {
                        _index += 2;
                        Exit();
                        return (body, name);
                    }

                    _index += 2;
                    body.Add(ParseTag(name));
                    break;
                default:
                    throw Error($"unexpected {token.Describe()}", token);
            }
        }
    }

    /// <summary>Parses a body that only <c>{% endName %}</c> may close, and consumes that tag.</summary>
    private List<Statement> ParseBlockBody(string endName, JinjaToken opener)
    {
        var (body, end) = ParseBody([endName]);
        if (end!.Value.Value != endName)
        {
            throw Error($"unexpected '{end.Value.Value}' inside '{opener.Value}' (opened at line {opener.Line}); expected '{endName}'", end.Value);
        }

        Expect(JinjaTokenKind.BlockEnd, "'%}'");
        return body;
    }

    private static bool IsEndTag(string name) => name.StartsWith("end", StringComparison.Ordinal) || name is "else" or "elif";

    private Statement ParseTag(JinjaToken tag)
    {
        switch (tag.Value)
        {
            case "if":
                return ParseIf(tag);
            case "for":
                return ParseFor(tag);
            case "set":
                return ParseSet(tag);
            case "macro":
                return ParseMacro(tag);
            case "filter":
                var filters = ParseFilterChain(requireFirst: true);
                Expect(JinjaTokenKind.BlockEnd, "'%}'");
                return new FilterBlockStatement(filters, ParseBlockBody("endfilter", tag), tag.Line, tag.Column);
            case "generation":
                Expect(JinjaTokenKind.BlockEnd, "'%}'");
                return new SequenceStatement(ParseBlockBody("endgeneration", tag), tag.Line, tag.Column);
            case "break" or "continue":
                if (_loopDepth == 0)
                {
                    throw Error($"'{tag.Value}' outside a for loop", tag);
                }

                Expect(JinjaTokenKind.BlockEnd, "'%}'");
                return new LoopControlStatement(tag.Value == "break" ? Flow.Break : Flow.Continue, tag.Line, tag.Column);
            case "include" or "extends" or "import" or "from" or "block" or "call" or "with" or "autoescape" or "do":
                throw Error($"'{{% {tag.Value} %}}' is not supported in chat templates (a template is one self-contained string)", tag);
            default:
                throw Error($"unknown tag '{tag.Value}'", tag);
        }
    }

    private IfStatement ParseIf(JinjaToken tag)
    {
        var branches = new List<(Expression, IReadOnlyList<Statement>)>();
        var condition = ParseTuple(allowConditional: true);
        while (true)
        {
            Expect(JinjaTokenKind.BlockEnd, "'%}'");
            var (body, end) = ParseBody(["elif", "else", "endif"]);
            branches.Add((condition, body));
            switch (end!.Value.Value)
            {
                case "elif":
                    condition = ParseTuple(allowConditional: true);
                    continue;
                case "else":
                    Expect(JinjaTokenKind.BlockEnd, "'%}'");
                    return new IfStatement(branches, ParseBlockBody("endif", tag), tag.Line, tag.Column);
                case "endif":
                    Expect(JinjaTokenKind.BlockEnd, "'%}'");
                    return new IfStatement(branches, [], tag.Line, tag.Column);
                default:
                    throw Error($"unexpected '{end.Value.Value}' inside 'if' (opened at line {tag.Line}); expected 'elif', 'else' or 'endif'", end.Value);
            }
        }
    }

    private ForStatement ParseFor(JinjaToken tag)
    {
        var targets = ParseTargetNames();
        if (!Current.IsName("in"))
        {
            throw Error($"expected 'in' in the for loop, found {Current.Describe()}", Current);
        }

        _index++;
        var items = ParseTuple(allowConditional: false);
        Expression? filter = null;
        if (Current.IsName("if"))
        {
            _index++;
            filter = ParseTuple(allowConditional: true);
        }

        if (Current.IsName("recursive"))
        {
            throw Error("recursive for loops are not supported in chat templates", Current);
        }

        Expect(JinjaTokenKind.BlockEnd, "'%}'");
        _loopDepth++;
        var (body, end) = ParseBody(["else", "endfor"]);
        _loopDepth--;
        IReadOnlyList<Statement> otherwise = [];
        if (end!.Value.Value == "else")
        {
            Expect(JinjaTokenKind.BlockEnd, "'%}'");
            (otherwise, end) = ParseBody(["endfor"]);
        }

        if (end!.Value.Value != "endfor")
        {
            throw Error($"unexpected '{end.Value.Value}' inside 'for' (opened at line {tag.Line}); expected 'endfor'", end.Value);
        }

        Expect(JinjaTokenKind.BlockEnd, "'%}'");
        return new ForStatement(targets, items, filter, body, otherwise, tag.Line, tag.Column);
    }

    private List<string> ParseTargetNames()
    {
        var parenthesized = Current.IsOperator("(");
        if (parenthesized)
        {
            _index++;
        }

        var names = new List<string> { ExpectName("a variable name") };
        while (Current.IsOperator(","))
        {
            _index++;
            if (Current.Kind != JinjaTokenKind.Name || Current.IsName("in"))
            {
                break;
            }

            names.Add(ExpectName("a variable name"));
        }

        if (parenthesized)
        {
            ExpectOperator(")");
        }

        return names;
    }

    private Statement ParseSet(JinjaToken tag)
    {
        var first = ExpectName("a variable name after 'set'");
        if (Current.IsOperator("."))
        {
            _index++;
            var attribute = ExpectName("an attribute name");
            ExpectOperator("=");
            var value = ParseTuple(allowConditional: true);
            Expect(JinjaTokenKind.BlockEnd, "'%}'");
            return new SetStatement([first], attribute, value, tag.Line, tag.Column);
        }

        var names = new List<string> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            names.Add(ExpectName("a variable name"));
        }

        if (Current.IsOperator("="))
        {
            _index++;
            var value = ParseTuple(allowConditional: true);
            Expect(JinjaTokenKind.BlockEnd, "'%}'");
            return new SetStatement(names, null, value, tag.Line, tag.Column);
        }

        if (names.Count > 1)
        {
            throw Error("a block set assigns one name", tag);
        }

        var filters = ParseFilterChain(requireFirst: false);
        Expect(JinjaTokenKind.BlockEnd, "'%}'");
        return new SetBlockStatement(first, filters, ParseBlockBody("endset", tag), tag.Line, tag.Column);
    }

    private MacroStatement ParseMacro(JinjaToken tag)
    {
        var name = ExpectName("a macro name");
        var parameters = new List<string>();
        var defaults = new List<Expression?>();
        ExpectOperator("(");
        while (!Current.IsOperator(")"))
        {
            if (parameters.Count > 0)
            {
                ExpectOperator(",");
                if (Current.IsOperator(")"))
                {
                    break;
                }
            }

            parameters.Add(ExpectName("a parameter name"));
            if (Current.IsOperator("="))
            {
                _index++;
                defaults.Add(ParseExpression(allowConditional: true));
            }
            else if (defaults.Any(d => d is not null))
            {
                throw Error($"parameter '{parameters[^1]}' without a default follows one with a default", Current);
            }
            else
            {
                defaults.Add(null);
            }
        }

        _index++;
        Expect(JinjaTokenKind.BlockEnd, "'%}'");
        var savedLoopDepth = _loopDepth;
        _loopDepth = 0;
        var body = ParseBlockBody("endmacro", tag);
        _loopDepth = savedLoopDepth;
        return new MacroStatement(name, parameters, defaults, body, tag.Line, tag.Column);
    }

    private List<FilterSpec> ParseFilterChain(bool requireFirst)
    {
        var filters = new List<FilterSpec>();
        if (requireFirst)
        {
            filters.Add(ParseFilterSpec());
        }

        while (Current.IsOperator("|"))
        {
            _index++;
            filters.Add(ParseFilterSpec());
        }

        return filters;
    }

    private FilterSpec ParseFilterSpec()
    {
        var name = ExpectName("a filter name");
        var arguments = Current.IsOperator("(") ? ParseArguments() : ArgumentList.Empty;
        return new FilterSpec(name, arguments);
    }

    /// <summary>An expression, or several separated by commas (a tuple without parentheses).</summary>
    private Expression ParseTuple(bool allowConditional)
    {
        var start = Current;
        var first = ParseExpression(allowConditional);
        if (!Current.IsOperator(","))
        {
            return first;
        }

        var items = new List<Expression> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            if (Current.Kind is JinjaTokenKind.BlockEnd or JinjaTokenKind.VariableEnd || Current.IsName("if"))
            {
                break;
            }

            items.Add(ParseExpression(allowConditional));
        }

        return new ListExpression(items, start.Line, start.Column);
    }

    private Expression ParseExpression(bool allowConditional)
    {
        Enter();
        var start = Current;
        var expression = ParseOr();
        while (allowConditional && Current.IsName("if"))
        {
            _index++;
            var condition = ParseOr();
            Expression? otherwise = null;
            if (Current.IsName("else"))
            {
                _index++;
                otherwise = ParseExpression(allowConditional: true);
            }

            expression = new ConditionalExpression(expression, condition, otherwise, start.Line, start.Column);
        }

        Exit();
        return expression;
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var op = Next();
            left = new LogicalExpression(isAnd: false, left, ParseAnd(), op.Line, op.Column);
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var op = Next();
            left = new LogicalExpression(isAnd: true, left, ParseNot(), op.Line, op.Column);
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (Current.IsName("not"))
        {
            var op = Next();
            Enter();
            var operand = ParseNot();
            Exit();
            return new UnaryExpression("not", operand, op.Line, op.Column);
        }

        return ParseCompare();
    }

    private Expression ParseCompare()
    {
        var start = Current;
        var first = ParseMath1();
        var rest = new List<(string, Expression)>();
        while (true)
        {
            if (Current.Kind == JinjaTokenKind.Operator && CompareOperators.Contains(Current.Value))
            {
                var op = Next().Value;
                rest.Add((op, ParseMath1()));
            }
            else if (Current.IsName("in"))
            {
                _index++;
                rest.Add(("in", ParseMath1()));
            }
            else if (Current.IsName("not") && _tokens[_index + 1].IsName("in"))
            {
                _index += 2;
                rest.Add(("not in", ParseMath1()));
            }
            else
            {
                break;
            }
        }

        return rest.Count == 0 ? first : new CompareExpression(first, rest, start.Line, start.Column);
    }

    private Expression ParseMath1() => ParseBinary(["+", "-"], ParseConcat);

    private Expression ParseConcat() => ParseBinary(["~"], ParseMath2);

    private Expression ParseMath2() => ParseBinary(["*", "/", "//", "%"], ParsePow);

    private Expression ParsePow() => ParseBinary(["**"], () => ParseUnary(withFilters: true));

    private Expression ParseBinary(string[] operators, Func<Expression> operand)
    {
        var left = operand();
        while (Current.Kind == JinjaTokenKind.Operator && operators.Contains(Current.Value))
        {
            var op = Next();
            left = new BinaryExpression(op.Value, left, operand(), op.Line, op.Column);
        }

        return left;
    }

    private Expression ParseUnary(bool withFilters)
    {
        Enter();
        Expression node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Next();
            node = new UnaryExpression(op.Value, ParseUnary(withFilters: false), op.Line, op.Column);
        }
        else
        {
            node = ParsePrimary();
        }

        node = ParsePostfix(node);
        if (withFilters)
        {
            node = ParseFiltersAndTests(node);
        }

        Exit();
        return node;
    }

    private Expression ParsePrimary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case JinjaTokenKind.Name:
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(true, token.Line, token.Column),
                    "false" or "False" => new LiteralExpression(false, token.Line, token.Column),
                    "none" or "None" => new LiteralExpression(null, token.Line, token.Column),
                    _ => new NameExpression(token.Value, token.Line, token.Column),
                };
            case JinjaTokenKind.String:
                var text = token.Value;
                while (Current.Kind == JinjaTokenKind.String)
                {
                    text += Next().Value;
                }

                return new LiteralExpression(text, token.Line, token.Column);
            case JinjaTokenKind.Integer:
                return new LiteralExpression(long.Parse(token.Value, CultureInfo.InvariantCulture), token.Line, token.Column);
            case JinjaTokenKind.Float:
                return new LiteralExpression(double.Parse(token.Value, CultureInfo.InvariantCulture), token.Line, token.Column);
            case JinjaTokenKind.Operator when token.Value == "(":
                return ParseParenthesized(token);
            case JinjaTokenKind.Operator when token.Value == "[":
                var items = ParseSequence("]", () => ParseExpression(allowConditional: true));
                return new ListExpression(items, token.Line, token.Column);
            case JinjaTokenKind.Operator when token.Value == "{":
                var entries = ParseSequence("}", () =>
                {
                    var key = ParseExpression(allowConditional: true);
                    ExpectOperator(":");
                    return (key, ParseExpression(allowConditional: true));
                });
                return new DictExpression(entries, token.Line, token.Column);
            default:
                throw Error($"unexpected {token.Describe()}", token);
        }
    }

    private Expression ParseParenthesized(JinjaToken open)
    {
        if (Current.IsOperator(")"))
        {
            _index++;
            return new ListExpression([], open.Line, open.Column);
        }

        var first = ParseExpression(allowConditional: true);
        if (Current.IsOperator(")"))
        {
            _index++;
            return first;
        }

        var items = new List<Expression> { first };
        while (Current.IsOperator(","))
        {
            _index++;
            if (Current.IsOperator(")"))
            {
                break;
            }

            items.Add(ParseExpression(allowConditional: true));
        }

        ExpectOperator(")");
        return new ListExpression(items, open.Line, open.Column);
    }

    private List<T> ParseSequence<T>(string close, Func<T> item)
    {
        var items = new List<T>();
        while (!Current.IsOperator(close))
        {
            if (items.Count > 0)
            {
                ExpectOperator(",");
                if (Current.IsOperator(close))
                {
                    break;
                }
            }

            items.Add(item());
        }

        _index++;
        return items;
    }

    private Expression ParsePostfix(Expression node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                _index++;
                var member = Next();
                node = member.Kind switch
                {
                    JinjaTokenKind.Name => new AttributeExpression(node, member.Value, token.Line, token.Column),
                    JinjaTokenKind.Integer => new ItemExpression(node, new LiteralExpression(long.Parse(member.Value, CultureInfo.InvariantCulture), member.Line, member.Column), token.Line, token.Column),
                    _ => throw Error($"expected an attribute name after '.', found {member.Describe()}", member),
                };
            }
            else if (token.IsOperator("["))
            {
                _index++;
                node = ParseSubscript(node, token);
            }
            else if (token.IsOperator("("))
            {
                node = new CallExpression(node, ParseArguments(), token.Line, token.Column);
            }
            else
            {
                return node;
            }
        }
    }

    private Expression ParseSubscript(Expression target, JinjaToken open)
    {
        Expression? SliceBound() => Current.IsOperator(":") || Current.IsOperator("]") ? null : ParseExpression(allowConditional: true);
        var start = SliceBound();
        if (!Current.IsOperator(":"))
        {
            ExpectOperator("]");
            return new ItemExpression(target, start ?? throw Error("expected an index inside '[]'", open), open.Line, open.Column);
        }

        _index++;
        var stop = SliceBound();
        Expression? step = null;
        if (Current.IsOperator(":"))
        {
            _index++;
            step = SliceBound();
        }

        ExpectOperator("]");
        return new SliceExpression(target, start, stop, step, open.Line, open.Column);
    }

    private ArgumentList ParseArguments()
    {
        ExpectOperator("(");
        var positional = new List<Expression>();
        var keywords = new List<KeyValuePair<string, Expression>>();
        var sawKeyword = false;
        var arguments = ParseSequence(")", () =>
        {
            if (Current.Kind == JinjaTokenKind.Name && _tokens[_index + 1].IsOperator("="))
            {
                var name = Next().Value;
                _index++;
                sawKeyword = true;
                return (Name: (string?)name, Value: ParseExpression(allowConditional: true));
            }

            if (sawKeyword)
            {
                throw Error("positional argument follows keyword argument", Current);
            }

            return (Name: (string?)null, Value: ParseExpression(allowConditional: true));
        });
        foreach (var (name, value) in arguments)
        {
            if (name is null)
            {
                positional.Add(value);
            }
            else
            {
                keywords.Add(new(name, value));
            }
        }

        return new ArgumentList(positional, keywords);
    }

    private Expression ParseFiltersAndTests(Expression node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("|"))
            {
                _index++;
                node = new FilterExpression(node, ParseFilterSpec(), token.Line, token.Column);
            }
            else if (token.IsName("is"))
            {
                _index++;
                var negated = Current.IsName("not");
                if (negated)
                {
                    _index++;
                }

                var testToken = Next();
                var isComparison = testToken.Kind == JinjaTokenKind.Operator && CompareOperators.Contains(testToken.Value);
                if (testToken.Kind != JinjaTokenKind.Name && !isComparison)
                {
                    throw Error($"expected a test name after 'is', found {testToken.Describe()}", testToken);
                }

                var test = testToken.Value;
                ArgumentList arguments;
                if (Current.IsOperator("("))
                {
                    arguments = ParseArguments();
                }
                else if (StartsTestArgument(Current))
                {
                    var argument = ParsePostfix(ParsePrimary());
                    arguments = new ArgumentList([argument], []);
                }
                else
                {
                    arguments = ArgumentList.Empty;
                }

                node = new TestExpression(node, test, arguments, negated, token.Line, token.Column);
            }
            else
            {
                return node;
            }
        }
    }

    /// <summary>A test takes one argument without parentheses (<c>x is divisibleby 3</c>) unless what follows continues the expression.</summary>
    private static bool StartsTestArgument(JinjaToken token) => token.Kind switch
    {
        JinjaTokenKind.String or JinjaTokenKind.Integer or JinjaTokenKind.Float => true,
        JinjaTokenKind.Name => token.Value is not ("else" or "or" or "and" or "if" or "in" or "not" or "is"),
        JinjaTokenKind.Operator => token.Value is "[" or "{",
        _ => false,
    };

    private string ExpectName(string what)
    {
        var token = Next();
        return token.Kind == JinjaTokenKind.Name ? token.Value : throw Error($"expected {what}, found {token.Describe()}", token);
    }

    private void ExpectOperator(string op)
    {
        var token = Next();
        if (!token.IsOperator(op))
        {
            throw Error($"expected '{op}', found {token.Describe()}", token);
        }
    }

    private void Expect(JinjaTokenKind kind, string what)
    {
        var token = Next();
        if (token.Kind != kind)
        {
            throw Error($"expected {what}, found {token.Describe()}", token);
        }
    }

    private void Enter()
    {
        if (++_nesting > _options.MaxNesting)
        {
            throw Error($"blocks or expressions nested deeper than {_options.MaxNesting}", Current);
        }
    }

    private void Exit() => _nesting--;

    private JinjaException Error(string reason, JinjaToken at) => JinjaException.At(reason, _name, at.Line, at.Column);
}
