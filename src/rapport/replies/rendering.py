"""Reply texts are small Jinja2 templates, held to a tiny, checked subset.

What a text may hold: plain text, and ``{{ root.field }}`` outputs of the placeholders
in FIELDS, each optionally through the filters in FILTERS — nothing else: no
``{% %}`` blocks, calls, subscripts, operators, literals or other names. The check
(`validate`) runs on the parsed tree, before anything is compiled (Jinja folds
constant expressions while compiling, so compiling an unchecked ``{{ 'x' * 10**9 }}``
would already run it). Rendering checks again, so a text that reached the database
some other way still never runs; and the context is plain dicts of strings and numbers
built by context.py, so even a bypassed check could reach no model, method or setting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jinja2
from django.utils.translation import gettext as _
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from rapport.core.errors import InvalidInput

FIELDS: dict[str, tuple[str, ...]] = {
    "customer": ("first_name", "last_name", "name", "email"),
    "company": ("name",),
    "ticket": ("number", "subject", "status"),
    "agent": ("first_name", "name"),
    "brand": ("name",),
}
PLACEHOLDERS = tuple(f"{root}.{field}" for root, fields in FIELDS.items() for field in fields)
MAX_TEXT_LENGTH = 20_000
MAX_FALLBACK_LENGTH = 200
_SHOWN_LENGTH = 80


def _default(value: Any, fallback: str = "") -> Any:
    """Unlike Jinja's own, an empty value counts as missing (values are never undefined)."""
    return value if value not in (None, "") else fallback


def _text_filter(method: Callable[[str], str]) -> Callable[[Any], str]:
    return lambda value: method(str(value))


FILTERS: dict[str, Callable[..., Any]] = {
    "default": _default,
    "upper": _text_filter(str.upper),
    "lower": _text_filter(str.lower),
    "title": _text_filter(str.title),
    "capitalize": _text_filter(str.capitalize),
    "trim": _text_filter(str.strip),
}


class TemplateRefused(InvalidInput):
    code = "reply_template_refused"


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
    env.globals.clear()  # no range, cycler, joiner, namespace…
    env.filters = dict(FILTERS)
    env.tests = {}
    return env


_ENV = _environment()


def validate(source: str) -> None:
    """Raise TemplateRefused, naming the offending placeholder, unless the text is safe."""
    _parse_checked(source)


def render(source: str, context: Mapping[str, Any]) -> str:
    """The text with its placeholders filled in; TemplateRefused if it is not allowed."""
    template = _compiled(source)
    try:
        return template.render(dict(context))
    except (jinja2.TemplateError, TypeError, ValueError) as exc:
        raise TemplateRefused(
            _("This text could not be filled in: %(error)s") % {"error": exc}
        ) from exc


@functools.lru_cache(maxsize=512)
def _compiled(source: str) -> jinja2.Template:
    return _ENV.from_string(_parse_checked(source))


def _parse_checked(source: str) -> nodes.Template:
    if len(source) > MAX_TEXT_LENGTH:
        raise TemplateRefused(
            _("The text is too long: at most %(limit)s characters.") % {"limit": MAX_TEXT_LENGTH}
        )
    try:
        shown = list(_placeholder_texts(source))
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateRefused(
            _("Line %(line)s: a placeholder cannot be read (%(error)s). Placeholders look "
              "like {{ customer.first_name }}.") % {"line": exc.lineno, "error": exc.message}
        ) from exc
    expressions = [n for n in _outputs(tree) if not isinstance(n, nodes.TemplateData)]
    for index, expression in enumerate(expressions):
        _check_expression(expression, shown[index] if index < len(shown) else "…")
    return tree


def _placeholder_texts(source: str) -> Iterator[str]:
    """The written text of each {{ … }}, in order (they match the parsed outputs one
    to one); refuses {% … %} blocks outright, even harmless ones such as raw."""
    current: list[str] | None = None
    for _line, kind, value in _ENV.lexer.tokeniter(source, None):
        if kind in ("block_begin", "raw_begin", "linestatement_begin"):
            raise TemplateRefused(
                _("Blocks such as “{% … %}” are not allowed: use only placeholders such as "
                  "{{ customer.first_name }}.")
            )
        if kind == "variable_begin":
            current = []
        elif kind == "variable_end" and current is not None:
            text = "".join(current).strip()
            yield text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + "…"
            current = None
        elif current is not None:
            current.append(value)


def _outputs(tree: nodes.Template) -> Iterator[nodes.Node]:
    for statement in tree.body:
        if not isinstance(statement, nodes.Output):  # the lexer check makes this unreachable
            raise TemplateRefused(_("Only text and placeholders are allowed."))
        yield from statement.nodes


def _check_expression(node: nodes.Node, shown: str) -> None:
    while isinstance(node, nodes.Filter) and node.node is not None:
        _check_filter(node, shown)
        node = node.node
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.attr in FIELDS.get(node.node.name, ())
    ):
        return
    raise TemplateRefused(
        _("“{{ %(placeholder)s }}” is not a placeholder you can use. Pick one from the list, "
          "such as {{ customer.first_name }}.") % {"placeholder": shown}
    )


def _check_filter(node: nodes.Filter, shown: str) -> None:
    if node.name not in FILTERS:
        raise TemplateRefused(
            _("“{{ %(placeholder)s }}”: the filter “%(filter)s” is not allowed. You can use: "
              "%(allowed)s.") % {"placeholder": shown, "filter": node.name,
                                 "allowed": ", ".join(FILTERS)}
        )
    if node.kwargs or node.dyn_args or node.dyn_kwargs or not _arguments_allowed(node):
        raise TemplateRefused(
            _("“{{ %(placeholder)s }}”: only default takes an argument, a short text in "
              "quotes, e.g. default('there').") % {"placeholder": shown}
        )


def _arguments_allowed(node: nodes.Filter) -> bool:
    if not node.args:
        return True
    if node.name != "default" or len(node.args) != 1:
        return False
    argument = node.args[0]
    return (
        isinstance(argument, nodes.Const)
        and isinstance(argument.value, str)
        and len(argument.value) <= MAX_FALLBACK_LENGTH
    )
