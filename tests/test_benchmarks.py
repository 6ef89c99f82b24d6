"""The quality benchmark's candidate defaults are written with nst's own flags."""

from __future__ import annotations

import pytest

from benchmarks.quality import variant


def test_a_variant_keeps_only_the_options_its_flags_change():
    name, changes = variant("cl45=--content-layers block4_conv2,block5_conv2 --tv-weight 0.5")
    assert name == "cl45"
    assert changes == {"content_layers": ("block4_conv2", "block5_conv2"), "tv_weight": 0.5}


@pytest.mark.parametrize(
    "text",
    [
        "cl45",  # no flags part
        "default=--tv-weight 0.5",  # a built-in method's name
        "a/b=--tv-weight 0.5",  # a name that is no file name
        "same=--style-weight 20",  # changes nothing: the default under another name
        "big=--size 1024",  # the benchmark's own size holds for every method
        "bad=--pooling nope",
        "bad=--style-weight -1",
    ],
)
def test_a_malformed_variant_stops_the_benchmark_before_it_paints(text):
    with pytest.raises(SystemExit) as info:
        variant(text)
    assert info.value.code not in (0, None)
