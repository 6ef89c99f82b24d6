"""The app's "paint by region" panel: the photo's automatic regions, numbered, and a style for each.

The user sets the number of regions and presses **Show regions**: the photo is split
(:func:`~nst_core.image.regions.photo_regions`, as every run splits it, so the numbers are
the run's) and drawn with its numbers. A menu per region picks the first style, the second, or
the photo; the choices become ``regions`` and ``style_masks`` of the run's
:class:`~nst_core.options.StyleOptions` (``style_masks=("1+2", "3")``: style 1 paints regions 1
and 2, style 2 region 3). Nothing here paints: the engine does, through the options.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from ..errors import NSTError
from ..image.encode import png_bytes
from ..image.io import ImageSource, load_image
from ..image.regions import photo_regions, region_overlay
from ..options import StyleOptions

#: The menu entry of a region that keeps the photo.
PHOTO = "photo (no style)"
#: The menu entries of the styles, by style number.
STYLE_CHOICES = ("style 1", "style 2")


class RegionsPanel:
    """Region numbers and a style menu per region; :meth:`apply` turns them into options.

    Args:
        content: returns the content source the app's picker describes (None: none chosen).
        size: returns the run's size in pixels (the picture of the regions is shown at it).
    """

    def __init__(self, content: Callable[[], ImageSource | None], size: Callable[[], int]):
        self._content, self._size = content, size
        self.enabled = widgets.Checkbox(value=False, description="paint by region", indent=False)
        self.count = widgets.IntSlider(value=4, min=2, max=8, description="regions")
        self.show_button = widgets.Button(description="Show regions", icon="th-large")
        self.picture = widgets.Image(format="png")
        self.menus: list[widgets.Dropdown] = []
        self.menu_box = widgets.VBox([])
        self.message = widgets.HTML("")
        self._shown: tuple[int, ImageSource] | None = None  # the count and photo the menus describe
        self.show_button.on_click(lambda _button: self.show())
        self.widget = widgets.VBox(
            [widgets.HBox([self.enabled, self.count, self.show_button]), self.message, self.picture, self.menu_box]
        )

    def show(self) -> None:
        """Split the chosen photo into ``count`` regions; show them numbered, with a menu for each."""
        source = self._content()
        if source is None:
            self.message.value = "choose a content image first"
            return
        try:
            photo = load_image(source, self._size())
        except NSTError as err:
            self.message.value = str(err)
            return
        labels = photo_regions(source, int(self.count.value), photo.shape[:2])
        self._shown = (int(self.count.value), source)
        self.picture.value = png_bytes(region_overlay(photo, labels))
        found = int(labels.max())
        old = [menu.value for menu in self.menus]
        self.menus = [
            widgets.Dropdown(
                options=[*STYLE_CHOICES, PHOTO],
                value=old[k] if k < len(old) else (STYLE_CHOICES[0] if k == 0 else PHOTO),
                description=f"region {k + 1}",
            )
            for k in range(found)
        ]
        self.menu_box.children = self.menus
        self.enabled.value = True
        self.message.value = f"{found} regions: choose a style, or the photo, for each, then Run"

    def assign(self, **choices: str) -> None:
        """Set menus by region number, e.g. ``assign(r1="style 1", r3="photo")`` (for code and tests)."""
        for key, value in choices.items():
            self.menus[int(key.lstrip("r")) - 1].value = PHOTO if value == "photo" else value

    def apply(self, options: StyleOptions, styles: int) -> StyleOptions:
        """``options`` with the regions and style masks chosen here (none when the panel is off).

        The panel owns these two fields in the app. Raises NSTError when a chosen style paints
        no region (or regions were not shown).
        """
        if not self.enabled.value:
            return options.replace(regions=None, style_masks=None)
        if not self.menus or self._shown is None:
            raise NSTError("press 'Show regions' first, or untick 'paint by region'")
        count, source = self._shown
        if count != self.count.value or not _same_source(source, self._content()):
            # the run would split the photo otherwise than the menus show
            raise NSTError("the regions or the photo changed since they were shown: press 'Show regions' again")
        chosen: dict[str, list[str]] = {name: [] for name in STYLE_CHOICES[:styles]}
        for number, menu in enumerate(self.menus, start=1):
            if menu.value in chosen:
                chosen[menu.value].append(str(number))
            elif menu.value != PHOTO:
                raise NSTError(f"region {number} is given {menu.value}, but no second style is chosen")
        empty = [name for name, numbers in chosen.items() if not numbers]
        if empty:
            raise NSTError(f"{empty[0]} paints no region: give it one, or remove that style")
        masks: Any = tuple("+".join(numbers) for numbers in chosen.values())
        return options.replace(regions=count, style_masks=masks)


def _same_source(shown: ImageSource, now: ImageSource | None) -> bool:
    """Whether the photo now chosen is the one the regions were shown for (the same path, or object)."""
    if shown is now:
        return True
    paths = (str, os.PathLike)
    return isinstance(shown, paths) and isinstance(now, paths) and os.fspath(shown) == os.fspath(now)
