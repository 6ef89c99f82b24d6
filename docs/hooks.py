"""MkDocs hooks of the documentation site (mkdocs.yml lists this file).

* Files of the repository that the pages link to (benchmarks/results/, images/CREDITS.md,
  the notebooks, CHANGELOG.md, LICENSE) are added to the site under their repository paths,
  and a page's link to them, written as on GitHub (``../benchmarks/results/scaling.md``
  from ``docs/performance.md``), is pointed at that copy. So the same Markdown works on
  GitHub and in the site, and a link to a file that does not exist still fails the strict build.
* What the code already says is written into the pages at build time, never copied by hand:
  ``<!-- nst:options -->`` becomes the table of every option (from
  :func:`nst_core.options.option_fields`), ``<!-- nst:help ARGS -->`` the output of
  ``nst ARGS --help``.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent

#: Repository files outside docs/ that pages may link to, as globs from the repository root.
MOUNTED = (
    "benchmarks/results/*.md",
    "benchmarks/results/*.json",
    "images/CREDITS.md",
    "notebooks/*.ipynb",
    "CHANGELOG.md",
    "LICENSE",
)

LINK = re.compile(r"(\]\()([^)\s]+)((?:\s+\"[^\"]*\")?\))")
OPTIONS = "<!-- nst:options -->"
HELP = re.compile(r"<!-- nst:help ?([a-z ]*?) -->")


def _mounted() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for pattern in MOUNTED for path in ROOT.glob(pattern)}


def on_files(files: Files, config) -> Files:
    """Add the repository files of ``MOUNTED`` to the site, at their repository paths."""
    for uri in sorted(_mounted()):
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(ROOT / uri)))
    return files


def _rewrite_links(markdown: str, page_uri: str, mounted: set[str]) -> str:
    """``../X`` links from docs/ that leave docs/ for a mounted file point at the site's copy."""
    page_dir = posixpath.dirname(page_uri)

    def rewrite(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^[#/]", target):  # a URL, an anchor or an absolute path
            return match.group(0)
        path, hash_, anchor = target.partition("#")
        resolved = posixpath.normpath(posixpath.join(page_dir, path))
        if not resolved.startswith("../"):
            return match.group(0)
        in_repo = resolved[3:]
        if in_repo not in mounted:  # left as it is: mkdocs reports the broken link
            return match.group(0)
        new = posixpath.relpath(in_repo, page_dir or ".")
        return f"{match.group(1)}{new}{hash_}{anchor}{match.group(3)}"

    return LINK.sub(rewrite, markdown)


def _option_table() -> str:
    """Every StyleOptions field: its flag, default, values, notebook control and help."""
    sys.path.insert(0, str(ROOT))
    try:
        from nst_core.options import OptionSpec, option_fields
    finally:
        sys.path.remove(str(ROOT))

    rows = [
        "| option and flag | default | values | notebook control | what it does |",
        "|---|---|---|---|---|",
    ]
    for field, spec in option_fields():
        flags = [OptionSpec.flag(field.name), *spec.aliases] + ([spec.short] if spec.short else [])
        name = f"`{field.name}`<br>" + ", ".join(f"`{f}`" for f in flags)
        default = f"`{field.default!r}`"
        if spec.choices and spec.metavar:  # the choices and more (init: or an image file)
            values = f"`{spec.metavar}`"
        elif spec.choices:
            values = ", ".join(f"`{c}`" for c in spec.choices)
        else:
            values = "`" + str(field.type).replace("|", "or") + "`"
        control = ""
        if spec.control is not None:
            c = spec.control
            control = c.label
            if c.low is not None:
                control += f" ({c.low:g} to {c.high:g}{', logarithmic' if c.log else ''})"
        text = spec.help.replace("|", "\\|")
        rows.append(f"| {name} | {default} | {values} | {control} | {text} |")
    return "\n".join(rows)


@cache
def _help(args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="100", TF_CPP_MIN_LOG_LEVEL="3")
    command = [sys.executable, "-m", "nst_core.cli", *args.split(), "--help"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise PluginError(f"`nst {args} --help` failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stdout.rstrip()


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Fill the placeholders, then point links to repository files at the site's copies."""
    if OPTIONS in markdown:
        markdown = markdown.replace(OPTIONS, _option_table())
    wanted = sorted({m.group(1).strip() for m in HELP.finditer(markdown)})
    if wanted:
        with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
            texts = dict(zip(wanted, pool.map(_help, wanted), strict=True))

        def fill(match: re.Match) -> str:
            return "```text\n" + texts[match.group(1).strip()] + "\n```"

        markdown = HELP.sub(fill, markdown)
    return _rewrite_links(markdown, page.file.src_uri, _mounted())
