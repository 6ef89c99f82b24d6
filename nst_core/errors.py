"""The exceptions users catch.

Every problem caused by the user's input (a file, an image, an option) is raised as a
subclass of :class:`NSTError` with a one-line message naming the culprit, so the command
line can print it and exit with status 2 instead of showing a traceback.
"""

from __future__ import annotations


class NSTError(Exception):
    """Base class of every error nst_core raises on purpose."""


class ImageError(NSTError):
    """An image could not be read, decoded, or written (missing, corrupt, too small...)."""


class OptionError(NSTError, ValueError):
    """An option has a value outside what it accepts."""


class ModelError(NSTError):
    """A pretrained model (VGG19 weights, a stylisation network) could not be loaded."""
