"""The suite's URL builders, compiled once per rule instead of once per app.

Werkzeug compiles two Python functions for every URL rule when an app binds it
(`Rule._compile_builder`: an AST built, walked and compiled), and that was 80% of
`create_app`'s CPU: about 40 ms of every test, since each test builds an app of
its own with the same 135 rules. A builder's code depends only on what the rule
says (its text, its trace of static and dynamic parts, its defaults turned into
URL text, whether unknown arguments are appended); the rule it builds for is its
`self` argument, bound per rule. So the suite compiles each distinct builder once
and binds it to every rule like it, which is what Werkzeug would have compiled
for that rule anyway. Served apps (the process tests, `make run`) compile as
Werkzeug does.
"""
from werkzeug.routing.rules import Rule

_compile_builder = Rule._compile_builder
_compiled = {}


def _builder_key(rule, append_unknown):
    defaults = rule.defaults or {}
    # A default for a variable of the rule is written into the code as its converter's URL text.
    converted = tuple(sorted((name, type(rule._converters[name]).__name__, rule._converters[name].to_url(value))
                             for name, value in defaults.items() if name in rule._converters))
    return (rule.rule, tuple(rule._trace), tuple(sorted(map(str, defaults))), converted, append_unknown)


def _compile_once(rule, append_unknown=True):
    key = _builder_key(rule, append_unknown)
    builder = _compiled.get(key)
    if builder is None:
        builder = _compiled[key] = _compile_builder(rule, append_unknown)
    return builder


def compile_each_builder_once():
    Rule._compile_builder = _compile_once
