"""Download an image from an http(s) URL within fixed limits of time and size.

A URL may point at a hostile or broken server, so every download is bounded: at most
:data:`URL_TOTAL_S` seconds in all (plus one read's :data:`URL_TIMEOUT_S`), at most
:data:`URL_MAX_BYTES` bytes, redirects only to http(s), and errors that show the URL
without its credentials and the server's text without control characters.
"""

from __future__ import annotations

import base64
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request

from ..errors import ImageError, one_line

#: Seconds one connection or read may wait.
URL_TIMEOUT_S = 30
#: Seconds a whole download may take, so a server that drips a byte at a time is cut off.
URL_TOTAL_S = 60
#: Largest body accepted, in bytes.
URL_MAX_BYTES = 64 * 1024 * 1024
#: Bytes asked for per read.
_CHUNK = 256 * 1024


def is_url(text: str) -> bool:
    """Whether ``text`` is an http(s) URL (in any letter case, as browsers accept)."""
    return text[:8].lower().startswith(("http://", "https://"))


def display_url(url: str) -> str:
    """``url`` without a ``user:password@`` part, for messages."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return url.split("@")[-1]
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


class _HttpRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only; urllib would also follow one to ftp://."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        if not is_url(newurl):
            fp.close()  # urllib closes the redirect's body only when it follows it
            raise urllib.error.URLError(f"redirect to {display_url(newurl)} refused (only http and https)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpRedirectsOnly)


def read_url(
    url: str, timeout_s: float | None = None, total_s: float | None = None, max_bytes: int | None = None
) -> bytes:
    """The body of an http(s) ``url``, or :class:`ImageError` with one line naming the URL.

    Args:
        url: an http or https URL (see :func:`is_url`).
        timeout_s: seconds one connection or read may wait (default :data:`URL_TIMEOUT_S`).
        total_s: seconds the whole download may take, checked between reads (default
            :data:`URL_TOTAL_S`).
        max_bytes: largest body accepted (default :data:`URL_MAX_BYTES`).
    """
    timeout_s = URL_TIMEOUT_S if timeout_s is None else timeout_s
    total_s = URL_TOTAL_S if total_s is None else total_s
    max_bytes = URL_MAX_BYTES if max_bytes is None else max_bytes
    shown = display_url(url)
    deadline = time.monotonic() + total_s
    data = bytearray()
    try:
        request = urllib.request.Request(shown, headers={"User-Agent": "nst_core"})
        user_info = urllib.parse.urlsplit(url).netloc.rpartition("@")[0]
        if user_info:  # urllib would take it for part of the host; sent to this host only, not on redirects
            credentials = base64.b64encode(urllib.parse.unquote(user_info).encode()).decode()
            request.add_unredirected_header("Authorization", f"Basic {credentials}")
        with _OPENER.open(request, timeout=timeout_s) as response:
            while chunk := response.read1(_CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    raise ImageError(f"{shown}: larger than {max_bytes / 2**20:g} MiB, refused")
                if time.monotonic() > deadline:
                    raise ImageError(f"{shown}: download took longer than {total_s:g} s, stopped")
    except urllib.error.HTTPError as err:
        err.close()  # the error holds the connection, which a kept traceback would keep open
        raise ImageError(f"{shown}: could not download (HTTP {err.code} {one_line(err.reason, 80)})") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as err:
        reason = getattr(err, "reason", None) or err
        raise ImageError(f"{shown}: could not download ({one_line(reason, 120)})") from None
    return bytes(data)
