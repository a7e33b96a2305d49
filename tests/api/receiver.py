"""A real HTTP receiver on 127.0.0.1 for webhook tests and the benchmark."""

import http.server
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """Answers each POST with the next status of ``statuses`` (then the last one, for ever).

    ``delay`` seconds before answering simulate a partner that hangs.
    """

    statuses: list[int]
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def __enter__(self):
        receiver = self
        lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    receiver.received.append(Received(dict(self.headers), body))
                    index = min(len(receiver.received), len(receiver.statuses)) - 1
                    status = receiver.statuses[index]
                if receiver.delay:
                    time.sleep(receiver.delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/plenary"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
