"""Choosing the images: a sample from the ``images/`` folder, an uploaded file, or a URL."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import NSTError
from ..image.encode import png_bytes
from ..image.io import load_image

#: Sample image suffixes shown in the dropdowns.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
#: Longest side of the thumbnails, in pixels (the evolution GIF's frames are twice that).
THUMB_PX = 160
NONE_CHOICE = "(none)"


def find_samples_dir(start: Path | None = None) -> Path | None:
    """The ``images/`` folder of sample pictures: next to the working directory or the package."""
    candidates = []
    for base in (start or Path.cwd(), Path(__file__).resolve().parent.parent):
        candidates += [base / "images", base.parent / "images"]
    for folder in candidates:
        if folder.is_dir() and any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.iterdir()):
            return folder
    return None


def sample_images(folder: str | Path | None = None) -> dict[str, Path]:
    """The sample pictures of ``folder`` (default: :func:`find_samples_dir`) by name (file stem)."""
    folder = Path(folder) if folder is not None else find_samples_dir()
    if folder is None:
        return {}
    return {p.stem: p for p in sorted(folder.iterdir()) if p.suffix.lower() in IMAGE_SUFFIXES}


class ImagePicker:
    """One image: a sample from a dropdown, an uploaded file, or a URL (first one set wins: upload, URL, sample)."""

    def __init__(self, title: str, samples: dict[str, Path], default: str | None, optional: bool = False):
        choices = ([NONE_CHOICE] if optional else []) + list(samples)
        self.samples = samples
        narrow = widgets.Layout(width=f"{THUMB_PX + 30}px")
        self.dropdown = widgets.Dropdown(
            options=choices, value=default if default in choices else (choices[0] if choices else None), layout=narrow
        )
        self.upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload", layout=narrow)
        self.url = widgets.Text(placeholder="or an image URL", continuous_update=False, layout=narrow)
        self.thumbnail = widgets.Image(format="png", layout=widgets.Layout(width=f"{THUMB_PX}px", height="auto"))
        self.message = widgets.HTML(layout=narrow)
        for control in (self.dropdown, self.upload, self.url):
            control.observe(self._refresh, names="value")
        self.widget = widgets.VBox(
            [widgets.HTML(f"<b>{title}</b>"), self.dropdown, self.upload, self.url, self.thumbnail, self.message],
            layout=widgets.Layout(width=f"{THUMB_PX + 40}px"),
        )
        self._refresh()

    def source(self) -> str | bytes | None:
        """What :func:`nst_core.stylize` should read: upload bytes, a URL, a sample path, or None."""
        if self.upload.value:
            return bytes(self.upload.value[0]["content"])
        if self.url.value.strip():
            return self.url.value.strip()
        if self.dropdown.value in (NONE_CHOICE, None):
            return None
        return str(self.samples[self.dropdown.value])

    def _refresh(self, _change: Any = None) -> None:
        source = self.source()
        self.message.value = ""
        self.thumbnail.value = b""
        self.thumbnail.layout.display = "none"  # an empty Image shows as a broken-image icon
        if source is None:
            return
        try:
            self.thumbnail.value = png_bytes(load_image(source, THUMB_PX))
            self.thumbnail.layout.display = None
        except NSTError as err:
            # Escaped: a server's or file's text must not become the page's HTML or script.
            # Wrapped within the narrow column (a long URL has no spaces to break at), not clipped.
            self.message.value = f"<span style='color:#b00;overflow-wrap:anywhere'>{html.escape(str(err))}</span>"
