"""The project's own promises: the README's commands are what CI runs."""

import re

from .helpers import ROOT


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Set up and test", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_ci_runs_exactly_the_readme_set_up_and_test_commands():
    setup, test = _readme_commands()
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert setup in ci_lines and test in ci_lines
    assert ci_lines.index(setup) < ci_lines.index(test)


def test_a_plain_pytest_runs_the_notebooks_in_quick_mode():
    import json
    import os

    assert os.environ.get("NST_QUICK") == "1"  # set by conftest.py, inherited by nbval's kernels
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        source = "".join("".join(cell["source"]) for cell in json.loads(notebook.read_text())["cells"])
        assert 'os.environ.get("NST_QUICK")' in source, notebook.name  # the notebook honours it
