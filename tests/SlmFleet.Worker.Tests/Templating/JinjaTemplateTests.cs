using System.Text.Json;
using SlmFleet.Worker.Templating;
using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Tests.Templating;

/// <summary>
/// The Jinja engine on its own. Expected strings are what Python's Jinja2 3.1 renders in transformers'
/// chat-template environment (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols,
/// transformers' tojson), checked with jinja2 3.1.6 when these tests were written.
/// </summary>
[TestFixture]
public sealed class JinjaTemplateTests
{
    private static string Render(string template, string variablesJson = "{}", Func<DateTimeOffset>? now = null)
    {
        var variables = ((OrderedDictionary<string, object?>)JinjaJson.FromJson(JsonDocument.Parse(variablesJson).RootElement)!)
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        return JinjaTemplate.Parse(template, "test").Render(variables, now);
    }

    [TestCase("{{ 1 + 2 * 3 }}", "7")]
    [TestCase("{{ (1 + 2) * 3 }}", "9")]
    [TestCase("{{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 6 / 2 }} {{ 2 ** 10 }}", "3 -4 2 3.5 3.0 1024")]
    [TestCase("{{ 'a' ~ none ~ 1 ~ true }}", "aNone1True")]
    [TestCase("{{ 'ab' + 'cd' }} {{ [1, 2] + [3] }} {{ 'ab' * 2 }} {{ 3 * 'a' }}", "abcd [1, 2, 3] abab aaa")]
    [TestCase("{{ 1 < 2 < 3 }} {{ 'b' > 'a' }} {{ [1, 2] < [1, 3] }} {{ 2 >= 3 }}", "True True True False")]
    [TestCase("{{ 1 == 1.0 }} {{ true == 1 }} {{ none == none }} {{ 'a' != 'b' }}", "True True True True")]
    [TestCase("{{ 'a' in 'abc' }} {{ 'a' in ['a'] }} {{ 'a' in {'a': 1} }} {{ 'z' not in 'abc' }}", "True True True True")]
    [TestCase("{{ not true }} {{ true and 'x' }} {{ false or 'y' }} {{ none or [] }}", "False x y []")]
    [TestCase("{{ 'yes' if 1 > 0 else 'no' }}|{{ 'yes' if false }}|", "yes||")]
    [TestCase("{{ 1.0 }} {{ 1e20 }} {{ 0.0001 }} {{ 1e-5 }} {{ 0.1 + 0.2 }} {{ 2.5e-7 }} {{ 100.0 }}", "1.0 1e+20 0.0001 1e-05 0.30000000000000004 2.5e-07 100.0")]
    [TestCase("{{ [1, 'a', none, true, 2.5] }} {{ {'a': 1} }} {{ none }} {{ ['it\\'s'] }}", "[1, 'a', None, True, 2.5] {'a': 1} None [\"it's\"]")]
    [TestCase("{{ 'abc'[::-1] }} {{ [1, 2, 3][1:] }} {{ [1, 2, 3][-1] }} {{ 'hello'[1:3] }} {{ [1, 2, 3, 4][::2] }}", "cba [2, 3] 3 el [1, 3]")]
    [TestCase("{{ \"a\\tb\\n\" }}|{{ 'q\\'s' }}|{{ '\\u00e9\\x41' }}|{{ 'a' 'b' }}", "a\tb\n|q's|éA|ab")]
    public void Expressions_EvaluateAsPython(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{{ '  x  ' | trim }}|{{ 'xxhixx' | trim('x') }}", "x|hi")]
    [TestCase("{{ 'héllo' | upper }} {{ 'ABC' | lower }} {{ 'hELLO' | capitalize }}", "HÉLLO abc Hello")]
    [TestCase("{{ \"they're bill-bob\" | title }} {{ \"they're bill-bob\".title() }}", "They're Bill-Bob They'Re Bill-Bob")]
    [TestCase("{{ [3, 1, 2] | length }} {{ 'héllo🌍' | length }} {{ {'a': 1} | length }} {{ missing | length }}", "3 6 1 0")]
    [TestCase("{{ missing | default('d') }} {{ '' | default('d') }}|{{ '' | default('d', true) }} {{ none | default('d') }}", "d |d None")]
    [TestCase("{{ [1, 2, 3] | first }} {{ 'abc' | last }} {{ [] | first }}|{{ [1, 2] | join(', ') }} {{ {'a': 1, 'b': 2} | list }}", "1 c |1, 2 ['a', 'b']")]
    [TestCase("{{ 'a-b-c' | replace('-', '+') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ 3 | string }} {{ '4' | int + 1 }} {{ '2.7' | int }} {{ 'x' | int }}", "a+b+c bba 3 5 2 0")]
    [TestCase("{% for k, v in {'a': 1, 'b': 2} | items %}{{ k }}={{ v }};{% endfor %}", "a=1;b=2;")]
    [TestCase("{{ [{'r': 'u'}, {'r': 'a'}] | selectattr('r', 'equalto', 'u') | list }} {{ [{'r': 'u'}, {'r': 'a'}] | map(attribute='r') | join }}", "[{'r': 'u'}] ua")]
    [TestCase("{{ [{'r': 'u'}, {'r': 'a'}] | rejectattr('r', 'equalto', 'u') | list | length }} {{ ['a', 'code', 'b'] | reject('equalto', 'code') | join(',') }}", "1 a,b")]
    [TestCase("{{ [3, 1, 2] | sort }} {{ [1, 1, 2] | unique | list }} {{ 'abc' | reverse }} {{ [1, 2, 3] | sum }}", "[1, 2, 3] [1, 2] cba 6")]
    [TestCase("{{ 'a\\nb' | indent(2) }}|{{ 'x' | safe }}", "a\n  b|x")]
    public void Filters_BehaveAsJinja(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{{ {'a': 'é<>&\\'', 'b': [1, 2.5, none, true]} | tojson }}", "{\"a\": \"é<>&'\", \"b\": [1, 2.5, null, true]}")]
    [TestCase("{{ {'a': {'b': 1}, 'c': []} | tojson(indent=2) }}", "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": []\n}")]
    [TestCase("{{ {'z': 1, 'a': 2} | tojson }}", "{\"z\": 1, \"a\": 2}")]
    [TestCase("{{ 'line\\n\\t\"q\"\\\\' | tojson }}", "\"line\\n\\t\\\"q\\\"\\\\\"")]
    public void ToJson_IsTransformersJsonDumps_NoHtmlEscapingKeysInOrder(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{{ x is none }} {{ x is defined }} {{ none is none }} {{ 1 is number }} {{ 'a' is string }}", "False False True True True")]
    [TestCase("{{ 'a' is iterable }} {{ {} is mapping }} {{ [] is sequence }} {{ x is iterable }} {{ 3 is odd }} {{ 4 is divisibleby 2 }}", "True True True True True True")]
    [TestCase("{{ true is true }} {{ 1 is true }} {{ false is false }} {{ x is not defined }} {{ 1 is not none }}", "True False True True True")]
    public void Tests_BehaveAsJinja(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{% for i in range(3) %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}",
        "103TrueFalse3;212FalseFalse3;321FalseTrue3;")]
    [TestCase("{% for i in [] %}x{% else %}empty{% endfor %}", "empty")]
    [TestCase("{% for i in range(10) if i is even %}{{ i }}{{ '' if loop.last else ',' }}{% endfor %}", "0,2,4,6,8")]
    [TestCase("{% for i in range(10) %}{% if i == 3 %}{% break %}{% endif %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}", "02")]
    [TestCase("{% for c in 'ab' %}{{ c }}.{% endfor %}{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}", "a.b.xy")]
    [TestCase("{% for i in [1, 2] %}{% if i == 2 %}[{{ x }}]{% endif %}{% set x = i %}{% endfor %}[{{ x }}]", "[][]")]
    [TestCase("{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}{{ loop.index }} {% endfor %}{{ loop.index }}|{% endfor %}", "1x1 1y2 1|2x1 2y2 2|")]
    [TestCase("{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }} {% endfor %}", "-2 1-3 2- ")]
    public void Loops_HaveJinjaLoopVariableAndScoping(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{% if false %}a{% elif true %}b{% else %}c{% endif %}", "b")]
    [TestCase("{% set x = 1 %}{% if true %}{% set x = 2 %}{% endif %}{{ x }}", "2")]
    [TestCase("{% set a, b = 1, 2 %}{{ a }}{{ b }}", "12")]
    [TestCase("{% set ns = namespace(a=1) %}{% for i in range(3) %}{% set ns.a = ns.a + i %}{% endfor %}{{ ns.a }}", "4")]
    [TestCase("{% set block %}  inner {{ 1 + 1 }}  {% endset %}[{{ block }}]", "[  inner 2  ]")]
    [TestCase("{% set block | trim | upper %}  inner  {% endset %}[{{ block }}]", "[INNER]")]
    [TestCase("{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('a') }} {{ greet('b', punct='?') }} {{ greet(name='c') }}", "Hi a! Hi b? Hi c!")]
    [TestCase("{% filter upper %}shout {{ 'this' }}{% endfilter %}", "SHOUT THIS")]
    [TestCase("{% raw %}{{ not rendered }}{% endraw %}", "{{ not rendered }}")]
    [TestCase("{% generation %}kept{% endgeneration %}", "kept")]
    [TestCase("a{# comment #}b", "ab")]
    public void Statements_Work(string template, string expected) => Render(template).Should().Be(expected);

    [TestCase("{{ ' x '.strip() }}|{{ 'xxa'.lstrip('x') }}|{{ 'a  '.rstrip() }}|{{ 'abc'.startswith('ab') }}|{{ 'abc'.endswith(('x', 'c')) }}", "x|a|a|True|True")]
    [TestCase("{{ 'Hello World'.split() }} {{ 'a,b,,c'.split(',') }} {{ 'a b c'.split(' ', 1) }}", "['Hello', 'World'] ['a', 'b', '', 'c'] ['a', 'b c']")]
    [TestCase("{{ 'aXbX'.replace('X', '-') }} {{ 'abc'.upper() }} {{ 'ABC'.lower() }} {{ 'hi {} {x}'.format(1, x=2) }}", "a-b- ABC abc hi 1 2")]
    [TestCase("{{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b', 'z') }} {{ {'a': 1}.get('b') }} {{ {'a': 1, 'b': 2}.keys() | list }} {{ {'a': 1}.values() | list }}", "1 z None ['a', 'b'] [1]")]
    [TestCase("{% for k, v in {'a': 1}.items() %}{{ k }}{{ v }}{% endfor %}", "a1")]
    [TestCase("{{ x.a }}|{{ x['a'] }}|{{ (x.a) is defined }}|{{ s.content is defined }}", "||False|False", "{\"x\": {}, \"s\": \"text\"}")]
    public void Methods_AndMissingAttributes_BehaveAsPython(string template, string expected, string variables = "{}")
        => Render(template, variables).Should().Be(expected);

    [TestCase("a\n  {% if true %}\nb\n  {% endif %}\nc\n", "a\nb\nc")]
    [TestCase("a  {% if true %}  b{% endif %}", "a    b")]
    [TestCase("a\n{# c #}\nb", "a\nb")]
    [TestCase("x {# c #}\nb", "x b")]
    [TestCase("a\n  {#- c #}\nb", "ab")]
    [TestCase("{{ 'a' }}\n  {% if true %}z{% endif %}", "a\nz")]
    [TestCase("  {% if true %}z{% endif %}", "z")]
    [TestCase("{% if true -%}  \n  {% if true %}\nx{% endif %}{% endif %}", "x")]
    [TestCase("{{ x -}}\n  {% if true %}y{% endif %}", "1y")]
    [TestCase("{%+ if true %}z{% endif %}", "z")]
    [TestCase("a\n   {%+ if true %}z{% endif %}", "a\n   z")]
    [TestCase("{% if true +%}\nz{% endif %}", "\nz")]
    [TestCase("a {{- ' b ' -}} c", "a b c")]
    [TestCase("line\n", "line")]
    [TestCase("line\n\n", "line\n")]
    [TestCase("a\r\n{% if true %}\r\nb\r\n{% endif %}", "a\nb\n")]
    public void WhitespaceControl_MatchesTrimBlocksAndLstripBlocks(string template, string expected)
        => Render(template, "{\"x\": 1}").Should().Be(expected);

    [Test]
    public void Undefined_RendersEmpty_IsFalsy_IteratesEmpty()
        => Render("[{{ missing }}]{% if missing %}yes{% else %}no{% endif %}{% for x in missing %}x{% endfor %}{{ missing | length }}").Should().Be("[]no0");

    [TestCase("{{ missing + 1 }}", "'missing' is undefined")]
    [TestCase("{{ x.a.b }}", "'dict object' has no attribute 'a'")]
    [TestCase("{{ missing() }}", "'missing' is undefined")]
    public void Undefined_UsedInArithmeticOrLookup_FailsWithItsName(string template, string reason)
    {
        var act = () => Render(template, "{\"x\": {}}");
        act.Should().Throw<JinjaException>().Which.Reason.Should().Be(reason);
    }

    [Test]
    public void RaiseException_FailsWithTheTemplatesText_AtItsLine()
    {
        var act = () => Render("line one\n{% if true %}\n  {{ raise_exception('Roles must alternate') }}\n{% endif %}");

        var error = act.Should().Throw<JinjaException>().Which;
        error.Raised.Should().BeTrue();
        error.Reason.Should().Be("Roles must alternate");
        error.Line.Should().Be(3);
        error.Message.Should().Be("test line 3, column 3: Roles must alternate");
    }

    [TestCase("{% if true %}unclosed", 1, 22, "unexpected end of template: expected '{% elif %}' or '{% else %}' or '{% endif %}'")]
    [TestCase("a\n{% for x in y %}\n{% endif %}", 3, 4, "unexpected 'endif' inside 'for' (opened at line 2); expected 'endfor'")]
    [TestCase("{{ 1 + }}", 1, 8, "unexpected '}}'")]
    [TestCase("{{ 'open }}", 1, 4, "unterminated string literal")]
    [TestCase("\n\n   {% frobnicate %}", 3, 7, "unknown tag 'frobnicate'")]
    [TestCase("{% endfor %}", 1, 4, "unexpected 'endfor': there is no open block it could close")]
    [TestCase("{% break %}", 1, 4, "'break' outside a for loop")]
    [TestCase("{{ x }", 1, 1, "unclosed tag: expected '}}'")]
    [TestCase("{% include 'other.jinja' %}", 1, 4, "'{% include %}' is not supported in chat templates (a template is one self-contained string)")]
    public void SyntaxErrors_NameLineAndColumn(string template, int line, int column, string reason)
    {
        var act = () => JinjaTemplate.Parse(template, "chat_template.jinja of m");

        var error = act.Should().Throw<JinjaException>().Which;
        (error.Line, error.Column, error.Reason).Should().Be((line, column, reason));
        error.Message.Should().StartWith($"chat_template.jinja of m line {line}, column {column}: ");
    }

    [TestCase("{% for i in range(100000000) %}{% endfor %}")]
    [TestCase("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")]
    [TestCase("{{ 'x' * 100000000 }}")]
    [TestCase("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")]
    [TestCase("{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}")]
    public void HostileTemplates_EndWithAnError(string template)
    {
        var act = () => Render(template);

        act.Should().Throw<JinjaException>();
    }

    [Test]
    public void DeeplyNestedExpression_IsRefusedByTheParser()
    {
        var act = () => JinjaTemplate.Parse("{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}", "t");

        act.Should().Throw<JinjaException>().Which.Reason.Should().Contain("nested deeper");
    }

    [Test]
    public void MutatingAList_IsRefusedAsInTheImmutableSandbox()
    {
        var act = () => Render("{% set xs = [] %}{{ xs.append(1) }}");

        act.Should().Throw<JinjaException>().Which.Reason.Should().Contain("immutable sandbox");
    }

    [Test]
    public void StrftimeNow_FormatsTheInjectedClock()
    {
        var now = new DateTimeOffset(2026, 12, 5, 18, 7, 9, TimeSpan.Zero);

        Render("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B') }}", now: () => now)
            .Should().Be("05 Dec 2026|2026-12-05 18:07:09 Saturday December");
    }

    [Test]
    public void OneParsedTemplate_RendersConcurrently()
    {
        var template = JinjaTemplate.Parse("{% for m in messages %}{{ m }}{% endfor %}", "t");

        var results = Enumerable.Range(0, 64).AsParallel()
            .Select(i => template.Render(new Dictionary<string, object?> { ["messages"] = new List<object?> { (long)i, (long)i } }))
            .ToList();

        results.Should().BeEquivalentTo(Enumerable.Range(0, 64).Select(i => $"{i}{i}"));
    }
}
