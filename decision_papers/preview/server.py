"""The preview's web server: the standard library's, on 127.0.0.1 only.

Each request builds the paper afresh, in memory, so the page always shows
the sources as saved; the page asks ``/<id>/version`` twice a second and
reloads when the paper's files change.  Nothing is written to disk.
"""

from __future__ import annotations

import mimetypes
import re
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from decision_papers import projects
from decision_papers.preview import page

STATIC = Path(__file__).resolve().parent / "static"
HOST = "127.0.0.1"
"""The only address served: the preview is for the officer at this computer."""
_ID = r"[a-z0-9][a-z0-9-]{0,62}"
_ROUTES = [
    (re.compile(r"/"), "index"),
    (re.compile(rf"/({_ID})"), "paper"),
    (re.compile(rf"/({_ID})/version"), "version"),
    (re.compile(rf"/({_ID})/explain/([a-z0-9_.]+)"), "explain"),
    (re.compile(r"/static/([a-z0-9][a-z0-9.-]*\.(?:css|js|md))"), "static"),
]


def make_server(project: projects.Project, port: int = 8000) -> ThreadingHTTPServer:
    """A server for ``project`` on 127.0.0.1:``port`` (0: any free port); not yet serving."""
    handler = type("Handler", (_Handler,), {"project": project})
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True
    return server


class _Handler(BaseHTTPRequestHandler):
    project: projects.Project
    server_version = "decision-papers-preview"

    def do_GET(self):
        port = self.server.server_address[1]
        if self.headers.get("Host") not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            # a page elsewhere could point a name at 127.0.0.1 (DNS rebinding) and read drafts
            return self._send(HTTPStatus.MISDIRECTED_REQUEST,
                              "This preview answers only http://127.0.0.1 on this computer.",
                              "text/plain")
        path = unquote(urlsplit(self.path).path)
        for pattern, name in _ROUTES:
            match = pattern.fullmatch(path)
            if match:
                try:
                    return getattr(self, f"_{name}")(*match.groups())
                except Exception as exc:  # noqa: BLE001 - a page, never a dead server
                    return self._send(HTTPStatus.INTERNAL_SERVER_ERROR,
                                      f"The preview failed: {type(exc).__name__}: {exc}",
                                      "text/plain")
        return self._send(HTTPStatus.NOT_FOUND, "No such page.", "text/plain")

    def _index(self):
        self._send(HTTPStatus.OK, page.index_page(self.project))

    def _paper(self, pid):
        body = page.paper_page(self.project, pid)
        if body is None:
            return self._send(HTTPStatus.NOT_FOUND, f"There is no decision {pid}.", "text/plain")
        self._send(HTTPStatus.OK, body)

    def _version(self, pid):
        sources = projects.sources_with_id(self.project, pid)
        self._send(HTTPStatus.OK, page.version(sources[0]) if sources else "gone", "text/plain")

    def _explain(self, pid, fid):
        body = page.explain_page(self.project, pid, fid)
        if body is None:
            return self._send(HTTPStatus.NOT_FOUND, f"{pid} has no figure {fid}.", "text/plain")
        self._send(HTTPStatus.OK, body)

    def _static(self, name):
        path = STATIC / name
        if not path.is_file():
            return self._send(HTTPStatus.NOT_FOUND, "No such file.", "text/plain")
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, path.read_bytes(), kind)

    def _send(self, status, body, kind="text/html"):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/")
                         else kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; script-src 'self' 'unsafe-inline'")
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - quiet: the terminal is the officer's
        pass
