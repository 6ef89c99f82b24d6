"""Griffe extension for the documentation site: Sphinx cross-reference roles become autorefs links.

The docstrings of nst_core are Google style and cross-reference in Sphinx's way,
``:func:`~nst_core.stylize```, which mkdocstrings would show as literal text. This turns each
role into a mkdocs-autorefs link (``[`stylize`][nst_core.api.stylize]``), resolving names
relative to the documented object as Sphinx does. A target the reference pages do not render
stays a link that autorefs cannot resolve, so ``mkdocs build --strict`` fails on it.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

import nst_core

# :role:`target`, :role:`~target` or :role:`title <target>`.
ROLE = re.compile(r":(?:py:)?(?:mod|func|class|meth|attr|data|exc|obj|const):`(~?)([^`<]*?)(?:\s*<([^`>]+)>)?`")

# "Some text::" then a blank line: reST's marker of a literal block.
LITERAL = re.compile(r"(\S)::\n\n")

# Names nst_core exports lazily (PEP 562 in nst_core/__init__.py), which static analysis
# cannot see: nst_core.X documents as the object in its module. Read from the package's own
# table (importing nst_core loads no TensorFlow), so the two never disagree.
LAZY_EXPORTS: dict[str, str] = nst_core._EXPORTS


def _lookup(collection: Any, path: str) -> str | None:
    """The documented path of ``path`` (an imported name's own path), or None if there is none."""
    try:
        member = collection.get_member(path)
        return member.final_target.path if member.is_alias else member.path
    except (KeyError, ValueError, AttributeError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _resolve(obj: griffe.Object, target: str) -> str:
    """The full dotted path of ``target`` as Sphinx would find it from ``obj``."""
    target = target.strip().lstrip(".")
    top, _, rest = target.partition(".")
    if top == obj.package.name:
        head, _, tail = rest.partition(".")
        if head in LAZY_EXPORTS:
            return f"{top}.{LAZY_EXPORTS[head]}.{head}" + (f".{tail}" if tail else "")
        return target
    # A name relative to the object: its class, its module, then the modules above it.
    scopes = []
    if obj.is_class:
        scopes.append(obj.path)
    elif obj.parent is not None and obj.parent.is_class:
        scopes.append(obj.parent.path)
    module = obj.module
    while module is not None:
        scopes.append(module.path)
        module = module.parent
    collection = obj.modules_collection
    for scope in scopes:
        found = _lookup(collection, f"{scope}.{target}")
        if found is not None:
            return found
    return target


def _convert(obj: griffe.Object, text: str) -> str:
    def link(match: re.Match) -> str:
        short, first, explicit = match.groups()
        target = explicit or first
        path = _resolve(obj, target)
        if explicit:
            title = first.strip()
        elif short:
            title = target.strip().rpartition(".")[2]
        else:
            title = target.strip()
        if not path.startswith(obj.package.name + "."):  # outside the package: code, not a link
            return f"`{title}`"
        return f"[`{title}`][{path}]"

    # reST's "text::" before an indented example: Markdown shows the indented block as code anyway.
    return LITERAL.sub(r"\1:\n\n", ROLE.sub(link, text))


class SphinxRoles(griffe.Extension):
    """Rewrites the Sphinx roles of every docstring of a package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: D102
        self._walk(pkg, set())

    def _walk(self, obj: griffe.Object, seen: set[str]) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        if obj.docstring is not None:
            obj.docstring.value = _convert(obj, obj.docstring.value)
        for member in obj.members.values():
            if not member.is_alias:
                self._walk(member, seen)
