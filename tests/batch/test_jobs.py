"""Jobs: keys follow the inputs' bytes and options, names are readable and unique, sweeps multiply."""

from __future__ import annotations

import pytest

from nst_core.batch import expand, find_photos, make_job, sweep
from nst_core.errors import ImageError, OptionError
from nst_core.options import StyleOptions

from .helpers import STYLES, write_photos


def test_key_changes_with_the_bytes_and_options_not_the_path(tmp_path):
    photo = write_photos(tmp_path / "a", 1)[0]
    copy = tmp_path / "copy.jpg"
    copy.write_bytes(photo.read_bytes())
    options = StyleOptions(size=64, steps=2)
    job = make_job(str(photo), [STYLES[0]], options)
    assert make_job(str(copy), [STYLES[0]], options).key == job.key  # same bytes, same picture
    assert make_job(str(photo), [STYLES[1]], options).key != job.key
    assert make_job(str(photo), [STYLES[0]], options.replace(style_weight=3)).key != job.key
    copy.write_bytes(photo.read_bytes() + b"\0")
    assert make_job(str(copy), [STYLES[0]], options).key != job.key


def test_output_name_is_readable_and_carries_the_key(tmp_path):
    photo = write_photos(tmp_path, 1)[0]
    job = make_job(str(photo), list(STYLES), StyleOptions())
    assert job.name == f"photo0__starry_night+the_scream__{job.key[:8]}.png"


def test_folder_glob_and_file_arguments(tmp_path):
    photos = write_photos(tmp_path / "in", 3)
    (tmp_path / "in" / "notes.txt").write_text("not a photo")
    assert find_photos([str(tmp_path / "in")]) == [str(p) for p in photos]
    assert find_photos([str(tmp_path / "in" / "*1.jpg"), str(photos[1])]) == [str(photos[1])]
    with pytest.raises(ImageError, match="matches no files"):
        find_photos([str(tmp_path / "*.png")])
    with pytest.raises(ImageError, match="no such file"):
        find_photos([str(tmp_path / "missing.jpg")])


def test_photos_x_styles_x_sweep(tmp_path):
    photos = [str(p) for p in write_photos(tmp_path, 2)]
    option_sets = sweep(StyleOptions(size=64), {"style_weight": [1, 3, 10], "steps": [2, 4]})
    assert [(o.style_weight, o.steps) for o in option_sets][:3] == [(1, 2), (1, 4), (3, 2)]
    jobs = expand(photos + photos[:1], [[s] for s in STYLES], option_sets)  # a photo given twice counts once
    assert len(jobs) == 2 * 2 * 6
    assert len({job.name for job in jobs}) == len(jobs)
    with pytest.raises(OptionError, match="style_weight"):
        sweep(StyleOptions(), {"style_weight": [1, -1]})
