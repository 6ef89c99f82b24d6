"""Manifests: every row checked before any work; a bad one refused with its row number."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from nst_core.batch import manifest_jobs
from nst_core.errors import OptionError
from nst_core.options import StyleOptions

from .helpers import STYLES, write_photos


def test_csv_and_json_lines_give_the_same_jobs(tmp_path):
    photos = write_photos(tmp_path, 2)
    csv = tmp_path / "jobs.csv"
    csv.write_text(
        "content,style,style_weight,preserve_colors,style_layer_weights\n"
        f"photo0.jpg,{STYLES[0]},3,luminance,\n"
        f"{photos[1]},{STYLES[0]};{STYLES[1]},,,1 2 3 4 5\n"
    )
    lines = tmp_path / "jobs.jsonl"
    lines.write_text(
        json.dumps({"content": "photo0.jpg", "style": STYLES[0], "style_weight": 3, "preserve_colors": "luminance"})
        + "\n\n"
        + json.dumps({"content": str(photos[1]), "styles": list(STYLES), "style_layer_weights": [1, 2, 3, 4, 5]})
        + "\n"
    )
    base = StyleOptions(size=64, steps=2)
    jobs = manifest_jobs(csv, base)
    assert [j.key for j in jobs] == [j.key for j in manifest_jobs(lines, base)]
    assert jobs[0].options == base.replace(style_weight=3, preserve_colors="luminance")
    assert jobs[1].styles == STYLES and jobs[1].options.style_layer_weights is not None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("photo0.jpg,{style},-3", "row 3: style_weight must be a number >= 0"),
        ("photo0.jpg,{style},many", "row 3: style_weight must be a number, got 'many'"),
        ("nowhere.jpg,{style},3", "row 3: nowhere.jpg: no such file"),
        ("photo0.jpg,missing_style.jpg,3", "row 3: missing_style.jpg: no such file"),
        ("photo0.jpg,,3", "row 3: no style image"),
    ],
)
def test_bad_row_refused_with_its_number(tmp_path, row, message):
    write_photos(tmp_path, 1)
    good = f"photo0.jpg,{STYLES[0]},3"
    path = tmp_path / "jobs.csv"
    path.write_text(f"content,style,style_weight\n{good}\n{row.format(style=STYLES[1])}\n{good}\n")
    with pytest.raises(OptionError) as caught:
        manifest_jobs(path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_unknown_column_refused_at_the_header(tmp_path):
    write_photos(tmp_path, 1)
    path = tmp_path / "jobs.csv"
    path.write_text(f"content,style,style_wieght\nphoto0.jpg,{STYLES[0]},3\n")
    with pytest.raises(OptionError, match=r"jobs.csv row 1 \(the header\): unknown option 'style_wieght'"):
        manifest_jobs(path)


def test_unknown_key_in_a_json_line(tmp_path):
    write_photos(tmp_path, 1)
    path = tmp_path / "jobs.jsonl"
    path.write_text(
        json.dumps({"content": "photo0.jpg", "style": STYLES[0]})
        + "\n"
        + json.dumps({"content": "photo0.jpg", "style": STYLES[0], "stlye_weight": 3})
        + "\n"
    )
    with pytest.raises(OptionError, match=r"jobs.jsonl row 2: unknown option 'stlye_weight'"):
        manifest_jobs(path)


def test_list_cells_are_split_as_the_flags_split_them_and_file_names_may_hold_spaces():
    from nst_core.batch.manifest import parse_value

    assert parse_value("style_masks", "my left.png; right.png") == ("my left.png", "right.png")
    assert parse_value("style_layers", "block1_conv1, block2_conv1") == ("block1_conv1", "block2_conv1")
    assert parse_value("style_blend_weights", "1 2,3") == (1.0, 2.0, 3.0)


def test_mask_files_are_read_from_the_manifests_folder_and_a_missing_one_names_its_row(tmp_path):
    write_photos(tmp_path, 1)
    Image.new("L", (96, 72), 255).save(tmp_path / "left mask.png")
    path = tmp_path / "jobs.csv"
    path.write_text(
        "content,style,style_masks\n"
        f"photo0.jpg,{STYLES[0]},left mask.png\n"
        f"photo0.jpg,{STYLES[0]},1+2\n"
        f"photo0.jpg,{STYLES[0]},missing.png\n"
    )
    with pytest.raises(OptionError, match=r"jobs.csv row 4: missing.png: no such file"):
        manifest_jobs(path, StyleOptions(regions=3))
    path.write_text("\n".join(path.read_text().splitlines()[:3]) + "\n")
    first, second = manifest_jobs(path, StyleOptions(regions=3))
    assert first.options.style_masks == (str(tmp_path / "left mask.png"),)
    assert second.options.style_masks == ("1+2",)
