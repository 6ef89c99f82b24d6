"""The option spec reaches every command: each option's flag parses back to the same option."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pytest

from nst_core.cli import build_parser, options_from_args
from nst_core.cli import fast as fast_cli
from nst_core.cli import video as video_cli
from nst_core.cli.flags import option_values
from nst_core.errors import OptionError
from nst_core.options import (
    SUBCOMMAND_STYLE_OPTIONS,
    VIDEO_STYLE_WEIGHT,
    FastOptions,
    OptionSpec,
    StyleOptions,
    VideoOptions,
    option_fields,
    style_options_for,
)

IMAGES = ["c.jpg", "s.jpg"]

#: A value other than the default for options whose default does not suggest one, as the
#: shell passes it and as Python holds it.
SAMPLES: dict[str, tuple[list[str], Any]] = {
    "style_blend_weights": (["3", "1"], (3.0, 1.0)),
    "style_layer_weights": (["1", "1", "2", "2", "4"], (1.0, 1.0, 2.0, 2.0, 4.0)),
    "learning_rate": (["0.05"], 0.05),
    "seed": (["7"], 7),
    "init": (["noise"], "noise"),
    "content_layers": (["block5_conv2"], ("block5_conv2",)),
    "style_layers": (["block1_conv1,block3_conv1"], ("block1_conv1", "block3_conv1")),
    "pyramid_levels": (["3"], 3),
    "pyramid_start_size": (["128"], 128),
    "first_steps": (["7"], 7),
    "end": (["9"], 9),
    "fps": (["12.5"], 12.5),
    "fast_model": (["models/fast"], "models/fast"),
    "work_dir": (["frames"], "frames"),
    "model": (["models/fast"], "models/fast"),
    "address": (["auto"], "auto"),
    "chunk_frames": (["24"], 24),
    "style_masks": (["sky.png", "town.png"], ("sky.png", "town.png")),
    "style_image_masks": (["part.png"], ("part.png",)),
    "regions": (["4"], 4),
}


def _sample(field: dataclasses.Field, spec: OptionSpec, default: Any) -> tuple[list[str], Any]:
    """Arguments that set ``field`` to a valid value other than ``default``, and that value."""
    flag = OptionSpec.flag(field.name)
    if field.name in SAMPLES:
        words, value = SAMPLES[field.name]
        return [flag, *words], value
    if isinstance(default, bool):
        return ["--no-" + flag[2:] if default else flag], not default
    if spec.choices:
        other = next(choice for choice in spec.choices if choice != default)
        return [flag, str(other)], other
    if isinstance(default, int):
        return [flag, str(default + 1)], default + 1
    if isinstance(default, float):
        value = default / 2 if default else 0.5
        return [flag, repr(value)], value
    raise AssertionError(f"give the option {field.name} a sample value in SAMPLES")


@pytest.mark.parametrize("name", [field.name for field, _ in option_fields()])
def test_every_style_option_has_a_flag_that_parses_back_to_it(name):
    field, spec = next((f, s) for f, s in option_fields() if f.name == name)
    argv, value = _sample(field, spec, getattr(StyleOptions(), name))
    options = options_from_args(build_parser().parse_args([*IMAGES, *argv]))
    assert options == StyleOptions().replace(**{name: value})
    assert getattr(options, name) != getattr(StyleOptions(), name)


def test_without_flags_the_options_are_the_defaults():
    assert options_from_args(build_parser().parse_args(IMAGES)) == StyleOptions()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--pyramid", "3"], {"pyramid_levels": 3}),
        (["--pyramid-levels", "3"], {"pyramid_levels": 3}),
        (["--jit"], {"jit_compile": True}),
        (["--jit-compile"], {"jit_compile": True}),
        (["--jit", "--no-jit"], {"jit_compile": False}),
        (["--no-lbfgs-safeguard"], {"lbfgs_safeguard": False}),
        (["-s", "64", "-n", "3"], {"size": 64, "steps": 3}),
        (["--init", "my_start.png"], {"init": "my_start.png"}),  # a file, not one of the choices
    ],
)
def test_old_and_short_spellings_still_work(argv, expected):
    assert options_from_args(build_parser().parse_args([*IMAGES, *argv])) == StyleOptions(**expected)


@pytest.mark.parametrize(
    ("parser", "options_class"),
    [(build_parser, StyleOptions), (video_cli.build_parser, VideoOptions), (fast_cli.build_parser, FastOptions)],
)
def test_old_spellings_are_flags_of_their_own_not_abbreviations(parser, options_class):
    flags = parser()._option_string_actions
    for field, spec in option_fields(options_class):
        for alias in spec.aliases:
            assert flags[alias].dest == field.name


@pytest.mark.parametrize("argv", [["--style-loss", "wasserstein"], ["--optimizer", "sgd"], ["--jit-compile", "1"]])
def test_values_outside_the_spec_are_usage_errors(argv, capsys):
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([*IMAGES, *argv])
    assert done.value.code == 2 and capsys.readouterr().err.count("\n") == 1


def test_help_shows_each_default():
    parser = build_parser()
    for field, _ in option_fields():
        action = next(a for a in parser._actions if a.dest == field.name)
        if field.default is not None:
            assert "(default: " in action.help, field.name
    text = parser.format_help()
    assert "--style-weight STYLE_WEIGHT" in text and f"(default: {StyleOptions().style_weight:g})" in text
    assert "block1_conv1,block2_conv1,block3_conv1" in text.replace("\n", "").replace(" ", "")


def _video_args(argv: list[str]):
    return video_cli.build_parser().parse_args(["clip.mp4", "s.jpg", *argv])


def test_video_defaults_come_from_the_spec_with_its_own_size_steps_and_strength():
    args = _video_args([])
    assert VideoOptions(**option_values(args, VideoOptions)) == VideoOptions()
    overrides = {
        name: change["default"] for name, change in SUBCOMMAND_STYLE_OPTIONS["video"].items() if "default" in change
    }
    assert overrides == {"size": 256, "steps": 50, "style_weight": VIDEO_STYLE_WEIGHT}
    assert StyleOptions(**option_values(args, StyleOptions)) == StyleOptions(**overrides)
    assert style_options_for("video") == StyleOptions(**overrides)


@pytest.mark.parametrize(
    "name", [f.name for f, _ in option_fields(VideoOptions)] + sorted(SUBCOMMAND_STYLE_OPTIONS["video"])
)
def test_every_video_option_has_a_flag_that_parses_back_to_it(name):
    video_fields = {f.name: (f, s, VideoOptions) for f, s in option_fields(VideoOptions)}
    style_fields = {
        f.name: (f, s, StyleOptions) for f, s in option_fields() if f.name in SUBCOMMAND_STYLE_OPTIONS["video"]
    }
    field, spec, options_class = {**style_fields, **video_fields}[name]
    changes = SUBCOMMAND_STYLE_OPTIONS["video"].get(name, {})
    default = changes.get("default", getattr(options_class(), name))
    spec = dataclasses.replace(spec, **{k: v for k, v in changes.items() if k != "default"})
    argv, value = _sample(field, spec, default)
    parsed = options_class(**option_values(_video_args(argv), options_class))
    assert getattr(parsed, name) == getattr(options_class(**{name: value}), name)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--blend", "0.2"], {"fast_blend": 0.2}),
        (["--model", "m"], {"fast_model": "m"}),
        (["--refine-steps", "2"], {"fast_refine_steps": 2}),
        (["--mode", "fast", "--fast-blend", "0.1"], {"mode": "fast", "fast_blend": 0.1}),
    ],
)
def test_video_keeps_its_old_spellings(argv, expected):
    assert VideoOptions(**option_values(_video_args(argv), VideoOptions)) == VideoOptions(**expected)


def test_video_refuses_luminance_colours_as_a_usage_error(capsys):
    with pytest.raises(SystemExit) as done:
        _video_args(["--preserve-colors", "luminance"])
    assert done.value.code == 2 and "invalid choice: 'luminance'" in capsys.readouterr().err


def test_fast_takes_its_options_and_some_style_options():
    parser = fast_cli.build_parser()
    args = parser.parse_args(["c.jpg", "s.jpg", "--strength", "0.3", "--backend", "lite", "--model", "m", "-s", "96"])
    assert FastOptions(**option_values(args, FastOptions)) == FastOptions(strength=0.3, backend="lite", model="m")
    assert StyleOptions(**option_values(args, StyleOptions)) == StyleOptions(size=96)
    dests = {action.dest for action in parser._actions}
    assert {f.name for f, _ in option_fields(FastOptions)} | set(SUBCOMMAND_STYLE_OPTIONS["fast"]) <= dests
    assert "steps" not in dests  # the network takes no optimisation steps


def _option(default: Any, help: str, group: str, **spec: Any) -> Any:
    return dataclasses.field(default=default, metadata={"spec": OptionSpec(help=help, group=group, **spec)})


@dataclass(frozen=True)
class _NewOptions:
    """Options a developer might add: one of each kind the command line knows."""

    passes: int = _option(2, "passes", "new")
    gain: float | None = _option(None, "gain", "new")
    sharpen: bool = _option(False, "sharpen", "new", aliases=("--sharp",))
    palette: str = _option("warm", "palette", "new", choices=("warm", "cold"))
    mix: tuple[float, ...] | None = _option(None, "mix", "new", metavar="W")
    names: tuple[str, ...] = _option(("a",), "names", "new", metavar="N1,N2")


def test_a_new_option_in_the_spec_reaches_the_parser():
    parser = build_parser(option_fields() + option_fields(_NewOptions))
    args = parser.parse_args(
        [*IMAGES, "--passes", "5", "--gain", "0.5", "--sharp", "--palette", "cold", "--mix", "1", "2", "--names", "x,y"]
    )
    assert _NewOptions(**option_values(args, _NewOptions)) == _NewOptions(5, 0.5, True, "cold", (1.0, 2.0), ("x", "y"))
    assert _NewOptions(**option_values(parser.parse_args(IMAGES), _NewOptions)) == _NewOptions()
    assert options_from_args(args) == StyleOptions()  # and the StyleOptions flags are still there
    text = parser.format_help()
    assert "new:" in text and "--passes PASSES" in text and "(default: 2)" in text


def test_an_option_of_a_type_the_command_line_cannot_take_is_refused():
    @dataclass(frozen=True)
    class Odd:
        shape: dict = _option(None, "a mapping", "odd")

    with pytest.raises(TypeError, match="shape"):
        build_parser(option_fields(Odd))


@pytest.mark.parametrize(
    ("options_class", "changes", "message"),
    [
        (VideoOptions, {"fast_blend": 1.0}, "fast_blend"),
        (VideoOptions, {"fps": 0}, "fps"),
        (VideoOptions, {"start": 4, "end": 2}, "end"),
        (VideoOptions, {"mode": "slow"}, "mode"),
        (VideoOptions, {"first_steps": -1}, "first_steps"),
        (VideoOptions, {"engine": "dask"}, "engine"),
        (VideoOptions, {"chunk_frames": 8, "overlap": 8}, "overlap must be smaller than chunk_frames"),
        (VideoOptions, {"engine": "ray", "overlap": 48}, "overlap must be smaller than chunk_frames"),
        (VideoOptions, {"overlap": -1}, "overlap"),
        (VideoOptions, {"cut_threshold": 1.5}, "cut_threshold"),
        (FastOptions, {"strength": 2}, "strength"),
        (FastOptions, {"backend": "gpu"}, "backend"),
    ],
)
def test_video_and_fast_options_are_checked_where_declared(options_class, changes, message):
    from nst_core.errors import OptionError

    with pytest.raises(OptionError, match=message):
        options_class(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"size": float("nan")}, "size must be a whole number"),
        ({"size": float("inf")}, "size must be a whole number"),
        ({"steps": float("inf")}, "steps must be a whole number"),
        ({"seed": float("nan")}, "seed must be a whole number"),
        ({"lbfgs_history": 1_000_000_000}, "lbfgs_history must be a whole number from 1 to 1000"),
        ({"learning_rate": 1e39}, "learning_rate must be a number"),
        ({"content_weight": 1e39}, "content_weight must be a number"),
        ({"style_weight": 1e39}, "style_weight must be a number"),
        ({"style_blend_weights": (1, "x")}, "style_blend_weights must be numbers"),
    ],
)
def test_every_value_is_checked_up_front_against_what_float32_can_hold(changes, message):
    with pytest.raises(OptionError, match=message):
        StyleOptions(**changes)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"temporal_weight": 1e39}, "temporal_weight must be a number"),
        ({"fps": 0.001}, "fps must be a number"),
        ({"fps": float("nan")}, "fps must be a number"),
        ({"fps": float("inf")}, "fps must be a number"),
    ],
)
def test_video_values_are_checked_up_front(changes, message):
    with pytest.raises(OptionError, match=message):
        VideoOptions(**changes)


def test_fast_takes_numpy_numbers_and_refuses_a_size_that_is_not_whole():
    import numpy as np

    from nst_core.fast import check_strength, fast_stylize

    assert check_strength(np.float32(0.5)) == 0.5
    with pytest.raises(OptionError, match="size must be a whole number"):
        fast_stylize(np.zeros((32, 32, 3)), np.zeros((32, 32, 3)), size=float("nan"), model=object())


def test_style_options_for_a_command_are_what_that_command_parses():
    assert style_options_for("nst") == StyleOptions(
        **option_values(build_parser().parse_args(["c.jpg", "s.jpg"]), StyleOptions)
    )
    changed = style_options_for("video", steps=7)
    assert changed.steps == 7 and changed.style_weight == VIDEO_STYLE_WEIGHT != StyleOptions().style_weight
    with pytest.raises(OptionError, match="steps"):
        style_options_for("video", steps=-1)
    # nst fast takes FastOptions; a picture's StyleOptions under its name would mislead.
    for unknown in ("fast", "vidoe"):
        with pytest.raises(ValueError, match="command must be one of nst, video"):
            style_options_for(unknown)


def test_a_trained_network_and_a_picture_share_the_losss_options():
    # nst train learns the loss nst optimises: same ranges, choices and checks, and the same
    # defaults but the style strength and the content layers (see nst_core.options.loss).
    from nst_core.options import TrainOptions
    from nst_core.options.loss import LOSS_FIELDS

    picture = {field.name: (field.default, spec.choices, spec.control) for field, spec in option_fields(StyleOptions)}
    network = {field.name: (field.default, spec.choices, spec.control) for field, spec in option_fields(TrainOptions)}
    # A picture is painted stronger than a network is trained or a clip is painted, each as measured.
    from nst_core.engine.choices import (
        DEFAULT_CONTENT_LAYERS,
        DEFAULT_STYLE_LAYERS,
        NETWORK_CONTENT_LAYERS,
        NETWORK_STYLE_LAYERS,
    )
    from nst_core.options import VIDEO_STYLE_WEIGHT
    from nst_core.options.loss import NETWORK_STYLE_WEIGHT, PICTURE_STYLE_WEIGHT

    assert StyleOptions().style_weight == PICTURE_STYLE_WEIGHT > NETWORK_STYLE_WEIGHT == TrainOptions().style_weight
    assert video_cli.build_parser().parse_args(["clip.mp4", "s.jpg"]).style_weight == VIDEO_STYLE_WEIGHT
    assert StyleOptions().content_layers == DEFAULT_CONTENT_LAYERS != NETWORK_CONTENT_LAYERS
    assert TrainOptions().content_layers == NETWORK_CONTENT_LAYERS
    assert StyleOptions().style_layers == DEFAULT_STYLE_LAYERS != NETWORK_STYLE_LAYERS == TrainOptions().style_layers
    for name in LOSS_FIELDS:
        if name in ("style_weight", "content_layers", "style_layers"):
            assert picture[name][1:] == network[name][1:]
        else:
            assert picture[name] == network[name], name
    for bad in ({"style_weight": -1}, {"style_loss": "wasserstein"}, {"style_layers": ("block9_conv1",)}):
        with pytest.raises(OptionError) as for_picture:
            StyleOptions(**bad)
        with pytest.raises(OptionError) as for_network:
            TrainOptions(**bad)
        assert str(for_picture.value) == str(for_network.value)
