"""serve.py: the one line that tells Streamlit's frontend where its server is, so a deep link
(/ward?ward=...) makes no failing request for /ward/_stcore/health (streamlit#7074)."""

import asyncio

import serve

PAGE = b'<html><head><title>Streamlit</title>\n    <script type="module" src="./static/js/index.js"></script>'


def test_the_host_line_comes_before_streamlits_own_script():
    page = serve.with_host_config(PAGE, "")
    line = b'window.__streamlit = {BACKEND_BASE_URL: new URL("/", window.location.origin).href};'
    assert line in page and page.index(line) < page.index(b'<script type="module"')
    assert b'new URL("/reports/"' in serve.with_host_config(PAGE, "/reports")
    assert serve.with_host_config(b"<html>no streamlit here</html>", "") == b"<html>no streamlit here</html>"


def test_only_pages_are_rewritten():
    assert serve.is_page("/", "") and serve.is_page("/ward", "") and serve.is_page("/reports/ward", "/reports")
    for path in ("/_stcore/health", "/static/js/index.js", "/media/abc.png", "/favicon.png", "/oauth2callback",
                 "/reports/_stcore/stream"):
        assert not serve.is_page(path, "/reports" if path.startswith("/reports") else "")


def test_the_middleware_rewrites_the_page_and_its_length():
    sent = []

    async def streamlit(scope, receive, send):
        assert all(k != b"accept-encoding" for k, _ in scope["headers"])  # asked for uncompressed
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"9")]})
        await send({"type": "http.response.body", "body": PAGE[:40], "more_body": True})
        await send({"type": "http.response.body", "body": PAGE[40:]})

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/ward", "headers": [(b"accept-encoding", b"gzip")]}
    asyncio.run(serve.HostConfig(streamlit)(scope, None, send))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    headers = dict(sent[0]["headers"])
    assert b"BACKEND_BASE_URL" in body and int(headers[b"content-length"]) == len(body)
