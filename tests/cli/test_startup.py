"""Start-up: the command answers ``--help`` and usage errors at once, and nothing is noisy.

TensorFlow takes seconds to import and writes its start-up log from native code, so the
command imports it only when a run starts, and ``import nst_core`` hides that log.
"""

import os
import subprocess
import sys

import pytest

from ..helpers import CONTENT, ROOT, STYLE

#: Runs the ``nst`` command in a fresh interpreter, then says whether TensorFlow was imported.
PROBE = (
    "import sys\n"
    "from nst_core.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print(f'exit {code} tensorflow {\"tensorflow\" in sys.modules}', file=sys.stderr)\n"
)


def _python(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ if env is None else env, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["--help"], 0),
        (["--version"], 0),
        ([], 2),
        (["c.jpg", "s.jpg", "--style-loss", "wasserstien"], 2),
        (["fast", "--help"], 0),
        (["video", "--help"], 0),
        (["video", "clip.mp4", "s.jpg", "--preserve-colors", "luminance"], 2),
    ],
)
def test_help_and_usage_errors_do_not_import_tensorflow(argv, status):
    done = _python("-c", PROBE, *argv)
    assert done.stderr.splitlines()[-1] == f"exit {status} tensorflow False", done.stderr


def test_importing_the_library_writes_nothing_and_keeps_a_log_level_the_user_set():
    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    done = _python("-c", "import nst_core", env=env)
    assert done.returncode == 0 and done.stderr == ""
    env["TF_CPP_MIN_LOG_LEVEL"] = "1"
    done = _python("-c", "import os, nst_core; print(os.environ['TF_CPP_MIN_LOG_LEVEL'])", env=env)
    assert done.stdout.strip() == "1"


def test_a_library_run_writes_nothing_on_stderr():
    env = dict(os.environ)
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    code = f"import nst_core\nnst_core.stylize({str(CONTENT)!r}, {str(STYLE)!r}, size=64, steps=1)\n"
    done = _python("-c", code, env=env)
    assert done.returncode == 0 and done.stderr == ""


@pytest.mark.fast_models
@pytest.mark.parametrize("masked", [False, True])
def test_nst_fast_with_the_lite_network_paints_without_tensorflow_also_by_region(masked, tmp_path):
    # LiteRT alone paints; TensorFlow's seconds of start-up would be most of such a run.
    argv = ["fast", str(CONTENT), str(STYLE), "--size", "64", "-o", str(tmp_path / "out.png")]
    if masked:
        import numpy as np
        from PIL import Image

        Image.fromarray(np.tile(np.arange(64, dtype=np.uint8) * 4, (48, 1))).save(tmp_path / "mask.png")
        argv += ["--style-masks", str(tmp_path / "mask.png")]
    done = _python("-c", PROBE, *argv)
    assert done.stderr.splitlines()[-1] == "exit 0 tensorflow False", done.stderr
