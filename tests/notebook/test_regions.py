"""The app's "paint by region" panel: show the regions, pick a style per number, Run."""

from __future__ import annotations

import pytest

from nst_core.notebook.regions import PHOTO
from tests.notebook.test_app import FakeStylize, make_app


def test_regions_chosen_in_the_panel_reach_the_run():
    fake = FakeStylize()
    app = make_app(fake)
    app.set_options(size=96, steps=2)
    app.style2.dropdown.value = "the_scream"
    app.regions.count.value = 3
    app.regions.show()
    assert app.regions.picture.value[:4] == b"\x89PNG" and len(app.regions.menus) == 3
    app.regions.assign(r1="style 1", r2="style 2", r3="photo")
    assert app.run(wait=True) is not None
    options = fake.calls[-1]["options"]
    assert options.regions == 3 and options.style_masks == ("1", "2")


def test_a_style_without_a_region_is_a_message_not_a_run():
    fake = FakeStylize()
    app = make_app(fake)
    app.set_options(size=96, steps=2)
    app.regions.show()
    for menu in app.regions.menus:
        menu.value = PHOTO
    assert app.run(wait=True) is None and not fake.calls
    assert "style 1 paints no region" in app.status.value


def test_unticked_the_run_has_no_masks():
    fake = FakeStylize()
    app = make_app(fake)
    app.set_options(size=96, steps=2)
    app.regions.show()
    app.regions.enabled.value = False
    app.run(wait=True)
    assert fake.calls[-1]["options"].style_masks is None


@pytest.mark.parametrize("count", [2, 5])
def test_one_menu_per_region(count):
    app = make_app()
    app.set_options(size=96)
    app.regions.count.value = count
    app.regions.show()
    assert [m.description for m in app.regions.menus] == [f"region {k}" for k in range(1, count + 1)]


def test_regions_changed_after_they_were_shown_are_a_message_not_a_run():
    fake = FakeStylize()
    app = make_app(fake)
    app.set_options(size=96, steps=2)
    app.regions.count.value = 3
    app.regions.show()
    app.regions.assign(r1="style 1", r2="photo", r3="photo")
    app.regions.count.value = 4  # the menus still describe three regions
    assert app.run(wait=True) is None and not fake.calls
    assert "changed since they were shown" in app.status.value
    app.regions.show()
    app.regions.assign(r1="style 1")
    assert app.run(wait=True) is not None and fake.calls[-1]["options"].regions == 4
