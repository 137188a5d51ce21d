"""A site server's address as the program shows it: in the sign-in window, the status bar
and messages, and kept in the workstation's settings. A plain function of the text, so the
first window can name the server before anything that connects to one is loaded."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def display_url(url: str) -> str:
    """The URL as the status bar and messages show it: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
