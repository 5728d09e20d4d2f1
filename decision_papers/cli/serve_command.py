"""``serve [ID] [--port N]``: a live preview of the project's papers in the browser."""

from __future__ import annotations

import argparse

from decision_papers import projects
from decision_papers.cli.common import parse
from decision_papers.preview.server import HOST, make_server


def main(argv, stdout, stderr, ready=None) -> int:
    """Run ``serve`` until Ctrl-C; ``ready(server)`` is told when it is listening (tests)."""
    p = argparse.ArgumentParser(
        prog="python build.py serve",
        description="Preview the papers in your browser, on this computer only "
                    f"(http://{HOST}:PORT/). The page shows each finding where it is, lists "
                    "them beside the paper, links each figure to how it is worked out, and "
                    "updates when you save a source file.")
    p.add_argument("id", nargs="?", metavar="ID", help="the decision to open (default: a list)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free)")
    args, status = parse(p, argv, stdout, stderr)
    if args is None:
        return status
    if not 0 <= args.port <= 65535:
        print(f"error: --port {args.port} is not a port: give a number from 1024 to 65535 "
              "(or 0 for any free one).", file=stderr)
        return 2
    here = projects.current()
    if args.id and not projects.sources_with_id(here, args.id):
        print(projects.unknown_id(here, args.id), file=stderr)
        return 2
    try:
        server = make_server(here, args.port)
    except OSError as exc:
        print(f"error: cannot serve on port {args.port} ({exc.strerror}); try another with "
              "--port.", file=stderr)
        return 2
    port = server.server_address[1]
    print(f"Preview at http://{HOST}:{port}/{args.id or ''} (this computer only); press "
          "Ctrl-C to stop.", file=stdout)
    stdout.flush()
    if ready:
        ready(server)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
