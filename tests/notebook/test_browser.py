"""The notebook app in a real browser: JupyterLab in headless Chromium, driven as a new user would.

nbval runs the notebooks in a kernel with no front end, so a break on the browser side (an
ipywidgets or JupyterLab upgrade, a widget that no longer renders or no longer reaches the
kernel) passes there. This test opens ``notebooks/nst.ipynb`` in JupyterLab, runs all cells in
quick mode (``CI``: 96 px, 10 steps), moves the steps slider, presses Run, watches the picture
change, presses Stop and Save, and fails on any error in the browser console.

Needs Chromium (Debian's ``chromium``; ``.ci/run`` installs it) and Playwright pointed at it:
``playwright install`` is never run, as it downloads browsers. Screenshots and the server's
log go to ``$NST_TEST_ARTIFACTS/browser`` (default: a pytest temporary folder); the path is
printed. ``$NST_CHROMIUM`` names another Chromium binary. The test is skipped only where there is
no browser to drive (no Chromium, or Playwright not importable).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from . import lab as jlab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "nst.ipynb"
#: Steps the slider is moved to: enough that the run is still going when Stop is pressed.
MIN_STEPS = 200
#: Time limits in milliseconds: the kernel's start (TensorFlow, VGG19) and the quick run dominate.
KERNEL_MS, RUN_ALL_MS, RUN_MS, UI_MS = 60_000, 150_000, 60_000, 15_000

#: Console errors known to be harmless, as regular expressions for "kind: text (url)", each with
#: the reason it is ignored.
HARMLESS_CONSOLE_ERRORS = {
    r"^error: Failed to load resource: .* \(https://colab\.research\.google\.com/assets/colab-badge\.svg\)$": (
        "the notebook's Open-in-Colab badge is an image on the internet, which the test machine may not reach"
    ),
}

# The live picture: the first of the two 336 px images (picture, loss plot) in the app's output.
LIVE_PICTURE = "img.widget-image[style*='width: 336px'] >> nth=0"
# Records a hash of every picture the live image shows (each change is a new blob URL).
WATCH_PICTURE = """(img) => {
    window.nstPictures = [];
    const record = async (src) => {
        try {
            const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
            let hash = 2166136261;
            for (const byte of bytes) hash = Math.imul(hash ^ byte, 16777619) >>> 0;
            window.nstPictures.push(`${hash}:${bytes.length}`);
        } catch (error) {
            window.nstPictures.push(`unreadable ${src}`);
        }
    };
    record(img.src);
    new MutationObserver(() => record(img.src)).observe(img, {attributes: true, attributeFilter: ['src']});
}"""
# How many different pictures the live image showed after the one it showed when watching began.
NEW_PICTURES = "() => new Set(window.nstPictures.slice(1).filter(p => p !== window.nstPictures[0])).size"
# Run All is over when every code cell has an execution count, or when a cell failed (the
# cells after it are then cancelled and keep an empty prompt).
RUN_ALL_OVER = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent.trim());
    const failed = document.querySelector('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]');
    return prompts.length > 0 && (prompts.every(p => /^\\[\\d+\\]:$/.test(p)) || (failed && !prompts.includes('[*]:')));
}"""


def _chromium() -> str | None:
    return shutil.which(os.environ.get("NST_CHROMIUM", "chromium")) or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory) -> Path:
    folder = os.environ.get("NST_TEST_ARTIFACTS")
    path = Path(folder) / "browser" if folder else tmp_path_factory.mktemp("browser-artefacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    executable = _chromium()
    if executable is None:
        pytest.skip("no Chromium to drive: install Debian's package (apt-get install chromium)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, artefacts):
    # Unlike the browser, JupyterLab comes with the dev extra: its absence is a broken set-up, not a skip.
    if importlib.util.find_spec("jupyterlab") is None:
        pytest.fail("JupyterLab is not installed: pip install -e '.[dev]'")
    home = tmp_path_factory.mktemp("jupyter")
    root = home / "notebooks"
    jlab.copy_notebook(NOTEBOOK, root)
    env = {
        **os.environ,
        "CI": "true",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    server = jlab.start_lab(root, home, artefacts / "jupyterlab.log", env)
    yield server
    jlab.stop_lab(server)


def _git_status() -> str | None:
    try:
        done = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


class Console:
    """Everything the page logs (kept as an artefact) and its errors (which fail the test)."""

    def __init__(self, page, log: Path):
        self.errors: list[str] = []
        self.log = log.open("w")
        page.on("console", self._message)
        page.on("pageerror", lambda error: self._record("page error", str(error)))

    def _message(self, message) -> None:
        self._record(message.type, f"{message.text} ({message.location.get('url', '')})")

    def _record(self, kind: str, text: str) -> None:
        self.log.write(f"{kind}: {text}\n")
        if kind in ("error", "page error"):
            line = f"{kind}: {text}"
            if not any(re.search(pattern, line) for pattern in HARMLESS_CONSOLE_ERRORS):
                self.errors.append(line)


def test_new_user_runs_the_notebook_app_in_jupyterlab(browser, lab, artefacts, tmp_path, capsys):
    with capsys.disabled():
        print(f"\nbrowser test artefacts (screenshots, console, JupyterLab log): {artefacts}")
    tree_before = _git_status()
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    console = Console(page, artefacts / "console.log")
    shots = iter(range(1, 100))

    def screenshot(name: str, app=None) -> None:
        if app is not None:  # its top at the top of the notebook panel, so that all of it shows
            app.evaluate("element => element.scrollIntoView({block: 'start'})")
        page.screenshot(path=str(artefacts / f"{next(shots):02d}-{name}.png"))

    try:
        _drive(page, lab, tmp_path, screenshot)
    except Exception:
        screenshot("failure")
        raise
    finally:
        page.close()
        console.log.close()

    assert not console.errors, "errors in the browser console:\n" + "\n".join(console.errors)
    if tree_before is not None:
        assert _git_status() == tree_before, "the browser test changed the repository's tree"


def _button(where, label: str):
    return where.locator("button.widget-button", has_text=re.compile(f"^{label}$"))


def _wait(page, condition, timeout_ms: int, message: str) -> None:
    """Wait for a condition that Python holds (events from the browser arrive while Playwright waits)."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{message} within {timeout_ms / 1000:.0f} s")


def _drive(page, lab, tmp_path: Path, screenshot) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    # The kernel's first channel connection can fail and be retried (a race in jupyter_server);
    # cells run before the retry are lost, so wait for a channel that has heard from the kernel.
    heard: list = []

    def listen(socket) -> None:
        if "/channels" in socket.url:
            socket.on("framereceived", lambda _frame: heard.append(socket))

    page.on("websocket", listen)
    page.goto(lab.page_url("nst.ipynb"))
    _wait(page, lambda: heard and not heard[-1].is_closed(), KERNEL_MS, "the kernel did not connect")
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=KERNEL_MS)

    # Run > Run All Cells, from the menu bar, with the notebook in focus as after a click on it.
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    expect(page.locator(".jp-CodeCell .jp-InputPrompt").first).not_to_have_text("[ ]:", timeout=UI_MS)
    page.wait_for_function(RUN_ALL_OVER, timeout=RUN_ALL_MS)
    failures = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    assert failures.count() == 0, "a cell failed:\n" + "\n".join(failures.all_inner_texts())

    # CSS, not roles, to find it: JupyterLab marks cells out of view as hidden to assistive technology.
    app = page.locator(".jp-OutputArea-output").filter(has=_button(page, "Run"))
    expect(app).to_have_count(1, timeout=UI_MS)
    app.scroll_into_view_if_needed()
    status = app.locator(".widget-hbox:has(> .widget-hprogress) > .widget-html")
    expect(status).to_contain_text(re.compile(r"done: 10 steps"), timeout=UI_MS)
    picture = app.locator(LIVE_PICTURE)
    expect(picture).to_be_visible(timeout=UI_MS)
    screenshot("after-run-all", app)

    # Move the steps slider with the mouse, as a user would, to about a third of its range.
    steps = app.locator(".widget-slider").filter(has=page.locator("label", has_text=re.compile(r"^steps$")))
    track = steps.locator(".noUi-target").bounding_box()
    handle = steps.locator(".noUi-handle").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(track["x"] + 0.35 * track["width"], handle["y"] + handle["height"] / 2, steps=8)
    page.mouse.up()
    readout = steps.locator(".widget-readout")
    expect(readout).not_to_have_text("10", timeout=UI_MS)
    chosen = int(readout.inner_text())
    assert chosen >= MIN_STEPS, f"the steps slider went to {chosen}, not past {MIN_STEPS}"
    screenshot("slider-moved", app)

    picture.evaluate(WATCH_PICTURE)
    run_button, stop_button = _button(app, "Run"), _button(app, "Stop")
    run_button.click()
    expect(stop_button).to_be_enabled(timeout=UI_MS)
    # At least two new pictures while the run goes on (the first is the starting image).
    try:
        page.wait_for_function(f"() => ({NEW_PICTURES})() >= 2", timeout=RUN_MS)
    except PlaywrightTimeout as error:
        shown = page.evaluate(f"({NEW_PICTURES})()")
        raise AssertionError(
            f"the picture changed {shown} times in {RUN_MS // 1000} s of the run, not twice"
        ) from error
    pictures = page.evaluate("window.nstPictures")
    assert not [p for p in pictures if p.startswith("unreadable")], pictures
    expect(stop_button).to_be_enabled()  # still running: the pictures came from the live run
    screenshot("running", app)

    stop_button.click()
    expect(status).to_contain_text("stopped:", timeout=RUN_MS)
    expect(run_button).to_be_enabled()
    expect(stop_button).to_be_disabled()
    stopped_after = int(re.search(r"stopped: (\d+) step", status.inner_text()).group(1))
    assert 10 < stopped_after < chosen, f"stopped after {stopped_after} of {chosen} steps"
    screenshot("stopped", app)

    # Save into a temporary folder through the file box.
    target = tmp_path / "saved" / "from-the-browser.png"
    target.parent.mkdir()
    save_row = app.locator(".widget-hbox:has(> .widget-text)")
    save_row.locator(".widget-text input").fill(str(target))
    save_row.locator(".widget-text input").press("Enter")
    save_button = _button(save_row, "Save")
    expect(save_button).to_be_enabled()
    save_button.click()
    link = save_row.locator(".widget-html")
    expect(link).to_contain_text("saved", timeout=UI_MS)
    expect(link).to_contain_text(target.name)
    expect(link.get_by_role("link", name="download")).to_have_attribute("href", re.compile(r"^data:image/png;base64,"))
    screenshot("saved", app)
    with Image.open(target) as saved:
        assert saved.format == "PNG" and max(saved.size) == 96, (saved.format, saved.size)
