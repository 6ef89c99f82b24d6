"""The exceptions users catch.

Every problem caused by the user's input (a file, an image, an option) is raised as a
subclass of :class:`NSTError` with a one-line message naming the culprit, so the command
line can print it and exit with status 2 instead of showing a traceback.
"""

from __future__ import annotations

import re


class NSTError(Exception):
    """Base class of every error nst_core raises on purpose."""


class ImageError(NSTError):
    """An image could not be read, decoded, or written (missing, corrupt, too small...)."""


class OptionError(NSTError, ValueError):
    """An option has a value outside what it accepts."""


class ModelError(NSTError):
    """A pretrained model (VGG19 weights, a stylisation network) could not be loaded."""


def printable(text: str) -> str:
    """``text`` without control characters, safe to print on a terminal."""
    return _CONTROL.sub("", text)


def one_line(err: BaseException | str, limit: int = 200) -> str:
    """The first line of an error's text, at most ``limit`` characters (its type if it has none).

    Errors of other libraries (ffmpeg, TensorFlow, Keras) span many lines; a message for the
    user quotes only the first, without control characters.
    """
    text = str(err).strip()
    first = text.splitlines()[0] if text else type(err).__name__
    return printable(first)[:limit]


#: Control characters (C0 but tab, DEL, C1): a server's or file's text could otherwise clear
#: a terminal or set its title when printed.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
