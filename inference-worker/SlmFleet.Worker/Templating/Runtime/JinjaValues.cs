using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// Python semantics of template values. Values are: null (None), <see cref="JinjaUndefined"/>, bool,
/// long, double, string, <c>List&lt;object?&gt;</c> (lists and tuples), <c>OrderedDictionary&lt;string, object?&gt;</c>
/// (dicts keep insertion order, as Python's do), <see cref="JinjaNamespace"/>, <see cref="LoopState"/>
/// and <see cref="IJinjaCallable"/>.
/// </summary>
internal static class JinjaValues
{
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        JinjaUndefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        OrderedDictionary<string, object?> => "dict",
        JinjaNamespace => "Namespace",
        LoopState => "LoopContext",
        _ => "function",
    };

    public static bool IsTruthy(object? value) => value switch
    {
        null or JinjaUndefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> list => list.Count > 0,
        OrderedDictionary<string, object?> dict => dict.Count > 0,
        _ => true,
    };

    /// <summary>Python's str(): what <c>{{ value }}</c> prints.</summary>
    public static string ToText(object? value) => value switch
    {
        string s => s,
        JinjaUndefined => string.Empty,
        _ => Repr(value),
    };

    /// <summary>Python's repr(), used inside printed lists and dicts.</summary>
    public static string Repr(object? value)
    {
        switch (value)
        {
            case null:
                return "None";
            case JinjaUndefined:
                return string.Empty;
            case bool b:
                return b ? "True" : "False";
            case long l:
                return l.ToString(CultureInfo.InvariantCulture);
            case double d:
                return PythonFloat.Repr(d);
            case string s:
                return PythonText.Repr(s);
            case List<object?> list:
                return "[" + string.Join(", ", list.Select(Repr)) + "]";
            case OrderedDictionary<string, object?> dict:
                return "{" + string.Join(", ", dict.Select(p => PythonText.Repr(p.Key) + ": " + Repr(p.Value))) + "}";
            case JinjaNamespace ns:
                return "<Namespace " + Repr(ns.Attributes) + ">";
            case LoopState:
                return "<LoopContext>";
            default:
                return "<function>";
        }
    }

    public static bool IsNumber(object? value) => value is long or double or bool;

    private static double AsDouble(object? value) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => double.NaN,
    };

    private static long AsLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => 0,
    };

    /// <summary>Python ==: numbers across int/float/bool, lists and dicts by value.</summary>
    public static bool AreEqual(object? left, object? right)
    {
        switch (left)
        {
            case null:
                return right is null;
            case JinjaUndefined:
                return right is JinjaUndefined;
            case string s:
                return right is string t && string.Equals(s, t, StringComparison.Ordinal);
            case long or bool when right is long or bool:
                return AsLong(left) == AsLong(right);
            case long or double or bool when IsNumber(right):
                return AsDouble(left) == AsDouble(right);
            case List<object?> list:
                return right is List<object?> other && list.Count == other.Count && list.Zip(other).All(p => AreEqual(p.First, p.Second));
            case OrderedDictionary<string, object?> dict:
                return right is OrderedDictionary<string, object?> o && dict.Count == o.Count
                    && dict.All(p => o.TryGetValue(p.Key, out var v) && AreEqual(p.Value, v));
            default:
                return ReferenceEquals(left, right);
        }
    }

    /// <summary>Python ordering (&lt;, &gt;, …): numbers, strings by code point, lists element-wise.</summary>
    public static int Compare(object? left, object? right, string op)
    {
        if (left is JinjaUndefined undefinedLeft)
        {
            throw undefinedLeft.Fail();
        }

        if (right is JinjaUndefined undefinedRight)
        {
            throw undefinedRight.Fail();
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return left is double || right is double ? AsDouble(left).CompareTo(AsDouble(right)) : AsLong(left).CompareTo(AsLong(right));
        }

        if (left is string a && right is string b)
        {
            return Math.Sign(string.CompareOrdinal(a, b));
        }

        if (left is List<object?> x && right is List<object?> y)
        {
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                if (!AreEqual(x[i], y[i]))
                {
                    return Compare(x[i], y[i], op);
                }
            }

            return x.Count.CompareTo(y.Count);
        }

        throw new JinjaException($"'{op}' not supported between instances of '{TypeName(left)}' and '{TypeName(right)}'");
    }

    public static bool Contains(object? container, object? item) => container switch
    {
        string s when item is string t => s.Contains(t, StringComparison.Ordinal),
        string => throw new JinjaException($"'in <string>' requires string as left operand, not {TypeName(item)}"),
        List<object?> list => list.Any(e => AreEqual(e, item)),
        OrderedDictionary<string, object?> dict => item is string key && dict.ContainsKey(key),
        JinjaUndefined => false,
        _ => throw new JinjaException($"argument of type '{TypeName(container)}' is not iterable"),
    };

    /// <summary>The items a for-loop visits: list elements, dict keys, string code points; undefined visits nothing.</summary>
    public static List<object?> Iterate(object? value) => value switch
    {
        List<object?> list => [.. list],
        OrderedDictionary<string, object?> dict => [.. dict.Keys],
        string s => [.. PythonText.CodePoints(s)],
        JinjaUndefined => [],
        _ => throw new JinjaException($"'{TypeName(value)}' object is not iterable"),
    };

    public static long Length(object? value) => value switch
    {
        string s => PythonText.Length(s),
        List<object?> list => list.Count,
        OrderedDictionary<string, object?> dict => dict.Count,
        JinjaUndefined => 0,
        _ => throw new JinjaException($"object of type '{TypeName(value)}' has no len()"),
    };

    public static object? Negate(object? value) => value switch
    {
        long l => l == long.MinValue ? -(double)l : (object)-l,
        double d => -d,
        bool b => b ? -1L : 0L,
        JinjaUndefined u => throw u.Fail(),
        _ => throw new JinjaException($"bad operand type for unary -: '{TypeName(value)}'"),
    };

    public static object? Binary(string op, object? left, object? right, RenderContext context)
    {
        if (op == "~")
        {
            var text = ToText(left) + ToText(right);
            context.CheckSize(text.Length);
            return text;
        }

        if (left is JinjaUndefined undefinedLeft)
        {
            throw undefinedLeft.Fail();
        }

        if (right is JinjaUndefined undefinedRight)
        {
            throw undefinedRight.Fail();
        }

        if (IsNumber(left) && IsNumber(right))
        {
            return Arithmetic(op, left, right);
        }

        switch (op)
        {
            case "+" when left is string a && right is string b:
                context.CheckSize(a.Length + b.Length);
                return a + b;
            case "+" when left is List<object?> x && right is List<object?> y:
                context.CheckSize(x.Count + y.Count);
                return x.Concat(y).ToList();
            case "*" when (left is string or List<object?>) && right is long or bool:
                return Repeat(left, AsLong(right), context);
            case "*" when (right is string or List<object?>) && left is long or bool:
                return Repeat(right, AsLong(left), context);
            case "+" when left is string:
                throw new JinjaException($"can only concatenate str (not \"{TypeName(right)}\") to str");
            default:
                throw new JinjaException($"unsupported operand type(s) for {op}: '{TypeName(left)}' and '{TypeName(right)}'");
        }
    }

    private static object Repeat(object? sequence, long times, RenderContext context)
    {
        var count = Math.Max(0, times);
        if (sequence is string s)
        {
            context.CheckSize(s.Length * count);
            return new StringBuilder(s.Length * (int)count).Insert(0, s, (int)count).ToString();
        }

        var list = (List<object?>)sequence!;
        context.CheckSize(list.Count * count);
        var result = new List<object?>((int)(list.Count * count));
        for (var i = 0; i < count; i++)
        {
            result.AddRange(list);
        }

        return result;
    }

    private static object Arithmetic(string op, object? left, object? right)
    {
        var integers = left is not double && right is not double;
        if (integers && op is "+" or "-" or "*" or "//" or "%")
        {
            var a = AsLong(left);
            var b = AsLong(right);
            try
            {
                return op switch
                {
                    "+" => checked(a + b),
                    "-" => checked(a - b),
                    "*" => checked(a * b),
                    "//" => b == 0 ? throw new JinjaException("integer division or modulo by zero") : FloorDiv(a, b),
                    _ => b == 0 ? throw new JinjaException("integer division or modulo by zero") : ((a % b) + b) % b,
                };
            }
            catch (OverflowException)
            {
                throw new JinjaException($"integer overflow in {a} {op} {b}");
            }
        }

        var x = AsDouble(left);
        var y = AsDouble(right);
        switch (op)
        {
            case "+": return x + y;
            case "-": return x - y;
            case "*": return x * y;
            case "/": return y == 0 ? throw new JinjaException("division by zero") : x / y;
            case "//": return y == 0 ? throw new JinjaException("float floor division by zero") : Math.Floor(x / y);
            case "%":
                if (y == 0)
                {
                    throw new JinjaException("float modulo");
                }

                var mod = x % y;
                return mod != 0 && (mod < 0) != (y < 0) ? mod + y : mod;
            case "**":
                var power = Math.Pow(x, y);
                return integers && y >= 0 && Math.Abs(power) < 9.2e18 ? (long)power : (object)power;
            default:
                throw new JinjaException($"unknown operator {op}");
        }
    }

    private static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return (a % b != 0) && ((a < 0) != (b < 0)) ? quotient - 1 : quotient;
    }
}
