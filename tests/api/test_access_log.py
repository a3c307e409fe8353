"""The access log under the project's gunicorn.conf.py: a CR/LF sent percent-encoded in a path is
decoded before it is logged, and must not start a forged line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.net import free_port

ROOT = Path(__file__).resolve().parents[2]
TINY_APP = '''
def app(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no"]
'''
FORGED = '127.0.0.1 "GET /admin" 200'


def test_a_percent_encoded_line_break_in_the_path_cannot_forge_a_log_line(tmp_path: Path,
                                                                          trained_artifact: Path) -> None:
    (tmp_path / "tiny_app.py").write_text(TINY_APP)
    port = free_port()
    log = tmp_path / "access.log"
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1",
           "PAD_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
           "PAD_ARTIFACT_DIR": str(trained_artifact)}  # gunicorn.conf.py checks for a model first
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
             "--chdir", str(tmp_path), "tiny_app:app"], env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
                    break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
                    time.sleep(0.1)
            forged_path = "/x%0D%0A" + FORGED.replace(" ", "%20").replace('"', "%22")
            connection.sendall(f"GET {forged_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
            assert connection.recv(1000).startswith(b"HTTP/1.1 404")
            connection.close()
            time.sleep(0.5)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    lines = log.read_text().splitlines()
    logged = [line for line in lines if "/x" in line]
    assert len(logged) == 1 and "\\r\\n" in logged[0], lines
    assert not any(line.startswith(FORGED) for line in lines)
