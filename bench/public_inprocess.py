"""The cached public pages in-process: CPU microseconds per request, layer by layer.

Run by bench/public.py (its database, its Redis and its settings in the environment) after
the pages are cached; or alone with the same environment:

    .venv/bin/python bench/public_inprocess.py /path/one/ /path/two/ …

Each path is called BENCH_CALLS (10,000) times as a WSGI request with the environ gunicorn
builds for wrk's request (one Host header), the body read and the result closed, as the server
does. Three applications answer: the bare floor (bench/bare_wsgi.py), Django's handler with the
early middleware (``conference.wsgi.django_application``) and the ready copies in front of it
(``conference.wsgi.application``). CPU time (``time.process_time``) is what the machine's load
changes least; BENCH_PROFILE=1 prints cProfile's top functions of Django's handler too.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CALLS = int(os.environ.get("BENCH_CALLS", "10000"))
HOST, PORT = "127.0.0.1", "8407"


def _environ(path: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "RAW_URI": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": HOST,
        "SERVER_PORT": PORT,
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": f"{HOST}:{PORT}",
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.errors": sys.stderr,
    }


def _start_response(status, headers, exc_info=None):
    return None


def _call(application, base: dict) -> bytes:
    result = application({**base, "wsgi.input": io.BytesIO()}, _start_response)
    try:
        return b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()


def cpu_microseconds(application, path: str) -> float:
    base = _environ(path)
    for _ in range(20):  # into the process's copies
        _call(application, base)
    start = time.process_time()
    for _ in range(CALLS):
        _call(application, base)
    return (time.process_time() - start) / CALLS * 1e6


def main(paths: list[str]) -> None:
    from bare_wsgi import application as bare

    from conference.wsgi import application, django_application

    floor = cpu_microseconds(bare, "/")
    print(f"\nin-process, CPU µs per request over {CALLS:,} calls (bare floor {floor:.1f} µs)")
    print(f"{'path':<40}{'bytes':>8}{'Django handler':>16}{'ready copy':>12}")
    for path in paths:
        body = _call(django_application, _environ(path))
        assert _call(application, _environ(path)) == body
        django = cpu_microseconds(django_application, path)
        ready = cpu_microseconds(application, path)
        print(f"{path:<40}{len(body):>8}{django:>16.1f}{ready:>12.1f}")
    if os.environ.get("BENCH_PROFILE"):
        base = _environ(paths[0])
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(CALLS):
            _call(django_application, base)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.agenda_settings")
    main(sys.argv[1:])
