"""The web server: Streamlit's own (``st.App``) running the frame in app.py, plus one fix.

``./dev run`` serves this file (``streamlit run serve.py``). Why not app.py directly: when a
page is opened by its own address (``/ward?ward=...``, a link sent to a colleague), Streamlit's
frontend does not know where its server lives and guesses from the address: it first asks
``/ward/_stcore/health`` and ``/ward/_stcore/host-config``, which the server answers 404 by
design, and only then ``/_stcore/health`` (streamlit/streamlit#7074). The page works, but every
deep link logs two failed requests in the browser's console, which a police intranet's
monitoring reads as errors. The frontend reads its server's address from
``window.__streamlit.BACKEND_BASE_URL`` when a host sets it (the hook Streamlit's own hosting
uses); ``HostConfig`` below writes that one line into the page Streamlit serves, so the first
guess is the right one. Nothing else about the server changes.
"""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware

FRAME = Path(__file__).resolve().parent / "app.py"
# Paths Streamlit serves itself (API, assets, media, sign-in): never the page, never rewritten.
NOT_PAGES = ("/_stcore/", "/static/", "/media/", "/component/", "/app/static/", "/oauth2callback", "/auth/")
MARKER = b'<script type="module"'


def base_path() -> str:
    """The server's base URL path ('' or '/reports'), from Streamlit's own setting."""
    from streamlit import config

    path = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{path}" if path else ""


def host_script(base: str) -> bytes:
    """The line that tells the frontend where its server is: the origin the page came from, at
    the configured base path (so it is right behind any host name or proxy port)."""
    return (
        b"<script>window.__streamlit = {BACKEND_BASE_URL: new URL("
        + json.dumps(base + "/").encode()
        + b", window.location.origin).href};</script>\n    "
    )


def with_host_config(page: bytes, base: str) -> bytes:
    """Streamlit's index.html with the host line before its first module script (which reads it
    when it loads); any other HTML unchanged."""
    at = page.find(MARKER)
    return page if at < 0 else page[:at] + host_script(base) + page[at:]


def is_page(path: str, base: str) -> bool:
    """A request for a page of the app (``/``, ``/ward``), not for one of Streamlit's own files."""
    inside = path[len(base):] if base and path.startswith(base) else path
    last = inside.rsplit("/", 1)[-1]
    return not any(inside.startswith(prefix) for prefix in NOT_PAGES) and "." not in last


class HostConfig:
    """ASGI middleware: add the host line to the HTML of every page request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        base = base_path()
        if scope["type"] != "http" or scope["method"] != "GET" or not is_page(scope["path"], base):
            await self.app(scope, receive, send)
            return
        # Ask for the page uncompressed, so it can be read and changed; it is a few kilobytes.
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() != b"accept-encoding"]}
        start: dict = {}
        chunks: list[bytes] = []

        async def rewrite(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            if headers.get("content-type", "").startswith("text/html") and "content-encoding" not in headers:
                body = with_host_config(body, base)
                headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)


app = st.App(str(FRAME), middleware=[Middleware(HostConfig)])
