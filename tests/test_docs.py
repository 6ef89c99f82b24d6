"""The documentation: the site builds without a warning, and the README stays short and its links hold."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import ROOT

README_LIMIT = 7 * 1024  # bytes: the README is the front page; everything else is in docs/
# [text](target) or ![alt](target), without URLs and anchors within the README.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The documentation site, built with ``mkdocs build --strict`` (any warning fails it)."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    problems = [line for line in done.stderr.splitlines() if line.startswith(("WARNING", "ERROR"))]
    assert done.returncode == 0, "mkdocs build --strict failed:\n" + "\n".join(
        problems or done.stderr.splitlines()[-20:]
    )
    return out


def _readme_links() -> list[str]:
    links = LINK.findall((ROOT / "README.md").read_text())
    return [link for link in links if not re.match(r"^[a-z][a-z0-9+.-]*:|^#", link)]


def test_docs_site_builds_strict(site):
    assert (site / "index.html").is_file()
    assert (site / "reference" / "nst_core" / "index.html").is_file()


def test_readme_is_at_most_7_kb():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_LIMIT, f"README.md is {size} bytes, over {README_LIMIT}: move detail into docs/"


def test_every_file_the_readme_links_exists():
    links = _readme_links()
    assert any(link.startswith("docs/") and link.endswith(".md") for link in links)  # it does link the docs
    missing = [link for link in links if not (ROOT / link.partition("#")[0]).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"


def test_every_docs_section_the_readme_links_exists(site):
    """A link to ``docs/PAGE.md#anchor`` needs a heading with that id on the built page."""
    missing = []
    for link in _readme_links():
        path, _, anchor = link.partition("#")
        if not (anchor and path.startswith("docs/") and path.endswith(".md")):
            continue
        page = Path(path).relative_to("docs").with_suffix("")
        html = site / (page.parent if page.name == "index" else page) / "index.html"
        if not html.is_file() or f'id="{anchor}"' not in html.read_text():
            missing.append(link)
    assert not missing, f"README.md links to sections that do not exist: {missing}"
