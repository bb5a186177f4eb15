"""Templates follow the layers of ADR 0017, as Python imports do (import-linter checks those).

Every template under pilotbook/<app>/templates and every Python module of pilotbook (template tag libraries, views,
the apps that add page sections) is read for the templates and tag libraries it uses: `{% extends %}` and
`{% include %}` with a literal name, `{% load %}`, and in Python any string literal that is the name of a template.
A name is resolved the way Django resolves it (the loaders, then the file's app); a tag library by the module
Django loads for it. An app may use what belongs to its own layer or below, except that the features of layer 4
may not use each other (the independence contract). Django's own templates and tag libraries (admin/..., i18n)
count as below every layer. The layers are read from .importlinter, so one list rules imports and templates.

Not checked, by rule (ADR 0017): `{% url 'name' %}`. A URL name is a string resolved through the root URLconf
(pilotbook.config, the top layer), not an import of the app that answers it, and a link is how a page leads to
another; web/base.html's navigation names site and feature pages that way.
"""

from __future__ import annotations

import ast
import configparser
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist, engines
from django.template.loader import get_template

ROOT = Path(__file__).resolve().parent.parent
PILOTBOOK = ROOT / "pilotbook"
DJANGO = "Django itself"  # admin/..., django/forms/..., i18n, static: below every layer

TAG = re.compile(r"""\{%\s*(?:(extends|include)\s+(["'])([^"']+)\2|load\s+([^%]+?))\s*%\}""")
TEMPLATE_NAME = re.compile(r"^[\w./-]+\.(?:html|txt|xml)$")


@dataclass(frozen=True)
class Layers:
    number: dict[str, int]  # app -> layer (0 the bottom)
    members: dict[int, list[str]]
    independent: list[set[str]]  # groups of apps that may not use each other

    @classmethod
    def from_importlinter(cls) -> Layers:
        config = configparser.ConfigParser()
        config.read(ROOT / ".importlinter")
        contracts = [config[name] for name in config.sections() if name.startswith("importlinter:contract:")]
        (layers,) = [c for c in contracts if c["type"].strip() == "layers"]
        lines = [line.strip() for line in layers["layers"].strip().splitlines() if line.strip()]
        number, members = {}, {}
        for depth, line in enumerate(reversed(lines)):  # listed top first
            members[depth] = [name.strip() for name in re.split(r"[:|]", line)]
            number.update(dict.fromkeys(members[depth], depth))
        independent = [{module.strip().removeprefix("pilotbook.") for module in c["modules"].split()}
                       for c in contracts if c["type"].strip() == "independence"]
        return cls(number, members, independent)

    def describe(self, app: str) -> str:
        if app == DJANGO:
            return "Django itself, below every layer"
        depth = self.number[app]
        return f"pilotbook.{app}, layer {depth} ({', '.join(self.members[depth])})"

    def problem(self, user: str, used: str) -> str | None:
        """Why `user` may not use what belongs to `used`, or None when it may."""
        if used in (DJANGO, user):
            return None
        if self.number[used] > self.number[user]:
            return (f"a higher layer than pilotbook.{user} (layer {self.number[user]}). Give the page a place for it "
                    f"(pilotbook.web.sections: the page's owner declares it, as pilotbook.pilots.extensions does) "
                    f"and let {used} add its section in its AppConfig.ready(); or move the template up to the app "
                    f"that combines both (pilotbook.site)")
        if any({user, used} <= group for group in self.independent):
            return (f"another feature: the features of layer {self.number[user]} are independent of each other. "
                    f"Join them in pilotbook.site: the page declares a place (pilotbook.web.sections) and site "
                    f"fills it in its ready(), as site/discussion_targets.py does for discussions")
        return None


LAYERS = Layers.from_importlinter()


def app_of(path: Path) -> str:
    """The app a file belongs to: pilotbook/<app>/..., or a top-level module pilotbook/<app>.py."""
    try:
        part = path.resolve().relative_to(PILOTBOOK).parts[0]
    except ValueError:
        return DJANGO
    return part.removesuffix(".py")


def template_app(name: str) -> str:
    return app_of(Path(get_template(name).origin.name))


def library_app(name: str) -> str:
    module = engines["django"].engine.libraries[name]
    return module.split(".")[1] if module.startswith("pilotbook.") else DJANGO


def uses_in_template(text: str) -> list[tuple[int, str, str, str]]:
    """(line, what, name, app it belongs to) for every template and tag library a template uses."""
    found = []
    for match in TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if match.group(1):
            found.append((line, "template", match.group(3), template_app(match.group(3))))
            continue
        words = match.group(4).split()
        libraries = words[words.index("from") + 1:] if "from" in words else words
        found.extend((line, "tag library", library, library_app(library)) for library in libraries)
    return found


def uses_in_python(text: str) -> list[tuple[int, str, str, str]]:
    """(line, "template", name, app) for every string literal in a module that names an existing template."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and TEMPLATE_NAME.match(node.value):
            try:
                found.append((node.lineno, "template", node.value, template_app(node.value)))
            except TemplateDoesNotExist:
                continue  # a file name that is not a template (an upload's, an export's)
    return found


def problems(path: Path, app: str, uses) -> list[str]:
    out = []
    for line, what, name, used in uses:
        reason = LAYERS.problem(app, used)
        if reason:
            out.append(f"{path.relative_to(ROOT)}:{line} uses the {what} {name!r} of {LAYERS.describe(used)}, "
                       f"which is {reason} (ADR 0017).")
    return out


def templates() -> list[Path]:
    return sorted(path for path in PILOTBOOK.glob("*/templates/**/*") if path.is_file())


def modules() -> list[Path]:
    return sorted(path for path in PILOTBOOK.rglob("*.py") if "migrations" not in path.parts)


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in PILOTBOOK.glob("*/__init__.py")} | {path.stem for path in
                                                                           PILOTBOOK.glob("[!_]*.py")}
    assert apps - {"locale"} <= LAYERS.number.keys(), "add the app to a layer in .importlinter (ADR 0017)"


def test_templates_and_tag_libraries_follow_the_layers():
    found = []
    for path in templates():
        found += problems(path, app_of(path), uses_in_template(path.read_text()))
    for path in modules():
        found += problems(path, app_of(path), uses_in_python(path.read_text()))
    assert not found, "A template or module uses a template or tag library above it:\n" + "\n".join(found)


def test_templates_are_read_and_resolved():
    """The checks above see what they must: some uses of each kind, resolved to their apps."""
    uses = {(what, name, app) for path in templates() for _line, what, name, app in uses_in_template(path.read_text())}
    assert ("template", "base.html", "web") in uses
    assert ("template", "govuk/pagination.html", "web") in uses
    assert ("template", "admin/change_list.html", DJANGO) in uses
    assert ("tag library", "pilots_tags", "pilots") in uses
    assert ("tag library", "i18n", DJANGO) in uses
    python = {name for path in modules() for _line, _what, name, _app in uses_in_python(path.read_text())}
    assert {"pilots/step.html", "evidence/includes/pilot_similar.html", "discussion/thread.html"} <= python


@pytest.mark.parametrize(("app", "text", "problem"), [
    ("pilots", '{% include "evidence/suggestions.html" %}', "a higher layer than pilotbook.pilots (layer 3)"),
    ("hackdays", '{% include "evidence/suggestions.html" %}', "another feature"),
    ("web", "{% load i18n pilots_tags %}", "a higher layer than pilotbook.web (layer 1)"),
    ("site", '{% extends "pilots/step.html" %}{% include "evidence/suggestions.html" %}', None),
    ("evidence", "{% load i18n pilots_tags %}{% include 'govuk/pagination.html' %}", None),
    ("pilots", '{% extends "admin/base.html" %}', None),
])
def test_a_use_from_above_or_between_features_is_reported(app, text, problem):
    found = problems(PILOTBOOK / app / "templates" / "example.html", app, uses_in_template(text))
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and problem in found[0]
        assert found[0].startswith(f"pilotbook/{app}/templates/example.html:1 uses the ")
