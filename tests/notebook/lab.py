"""A throw-away JupyterLab server for the browser test: 127.0.0.1, a free port, a random token.

Everything the server, the kernel and JupyterLab write (the notebook copy and its checkpoints,
settings, workspaces, kernel connection files, IPython history, temporary files) goes into
one temporary folder, so a test run leaves the repository and the home folder as they were.
The kernel is the current Python (``sys.executable``), which imports the ``nst_core`` under test.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

#: JupyterLab front-end plugins that would reach out to the internet (news, update checks).
OFFLINE_PAGE_CONFIG = {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}
#: Server settings for an offline, single-user, throw-away server.
OFFLINE_SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",
    },
    # allow_root: CI containers run as root; the server listens on 127.0.0.1 behind a random token.
    "ServerApp": {"open_browser": False, "allow_root": True, "terminals_enabled": False},
}

#: JupyterLab settings of the throw-away user: the box "Always start the preferred kernel" ticked,
#: so opening the notebook starts its kernel instead of asking in a dialog.
USER_SETTINGS = {"@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True}}


@dataclass
class Lab:
    """A running JupyterLab: where it serves, its token and the folder it serves."""

    url: str
    token: str
    root: Path
    log: Path
    process: subprocess.Popen

    def page_url(self, notebook: str) -> str:
        return f"{self.url}/lab/tree/{notebook}?token={self.token}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))


def start_lab(root: Path, home: Path, log: Path, env: dict[str, str], timeout: float = 60.0) -> Lab:
    """Start JupyterLab serving ``root``; its own settings live under ``home``."""
    config, data = home / "config", home / "data"
    _write_json(config / "jupyter_server_config.json", OFFLINE_SERVER_CONFIG)
    _write_json(config / "labconfig" / "page_config.json", OFFLINE_PAGE_CONFIG)
    for plugin, settings in USER_SETTINGS.items():
        _write_json(config / "lab" / "user-settings" / f"{plugin}.jupyterlab-settings", settings)
    # The notebook asks for the kernel "python3"; this one (first on JUPYTER_PATH) is the current Python.
    kernel = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]}
    _write_json(
        data / "kernels" / "python3" / "kernel.json", {**kernel, "display_name": "Python 3", "language": "python"}
    )
    (home / "tmp").mkdir(exist_ok=True)
    env = {
        **env,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_PATH": str(data),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "TMPDIR": str(home / "tmp"),
    }
    token, port = secrets.token_hex(24), free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, root, log, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with status {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{lab.url}/api/status?token={token}", timeout=2) as answer:
                if answer.status == 200:
                    return lab
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)  # polling a server that is still starting
    stop_lab(lab)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s; see {log}")


def stop_lab(lab: Lab, timeout: float = 20.0) -> None:
    """Stop the server (it shuts its kernels down); kill its process group if it hangs."""
    if lab.process.poll() is None:
        lab.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            lab.process.wait(timeout)
    # The group holds only what this server started (kernels), which must not outlive the test.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(lab.process.pid, signal.SIGKILL)
    lab.process.wait(5)


def copy_notebook(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(source, folder / source.name))
