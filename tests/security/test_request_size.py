"""An oversized request body is refused while it comes in: a 413 page, nothing stored, and
under gunicorn the answer comes before the client has sent much more than the limit."""

import os
import re
import select
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from config.uploads import RequestBodyTooLarge, RequestSizeLimitUploadHandler
from projects.models import ProjectImport
from tests.conftest import plan_page

ROOT = Path(settings.BASE_DIR)


def test_the_limit_covers_the_largest_evidence_upload_and_the_largest_import():
    assert settings.FILE_UPLOAD_HANDLERS[0] == "config.uploads.RequestSizeLimitUploadHandler"
    assert settings.REQUEST_MAX_BODY_BYTES > settings.EVIDENCE_MAX_REPORT_BYTES
    assert settings.REQUEST_MAX_BODY_BYTES > settings.PROJECT_IMPORT_MAX_BYTES


def test_an_upload_over_the_limit_gets_a_readable_413_and_nothing_is_stored(
    client, people, settings
):
    settings.REQUEST_MAX_BODY_BYTES = 64 * 1024
    client.force_login(people["staff_own"])
    big = SimpleUploadedFile("大表.xlsx", b"PK\x03\x04" + b"x" * 100_000)
    response = client.post(plan_page("projects:import"), {"file": big, "year": 2025})
    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.text and "0 MB" in response.text
    assert ProjectImport.objects.count() == 0
    assert not any(Path(settings.MEDIA_ROOT).rglob("*"))


def test_an_upload_under_the_limit_reaches_the_page(client, people, settings):
    settings.REQUEST_MAX_BODY_BYTES = 64 * 1024
    client.force_login(people["staff_own"])
    small = SimpleUploadedFile("表.xlsx", b"not a workbook")
    response = client.post(plan_page("projects:import"), {"file": small})
    assert response.status_code == 200  # the form's own message about the file


def test_the_handler_stops_counting_file_bytes_at_the_limit(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    handler = RequestSizeLimitUploadHandler()
    assert handler.handle_raw_input(None, {}, 1000, b"b") is None
    with pytest.raises(RequestBodyTooLarge):
        handler.handle_raw_input(None, {}, 1001, b"b")
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(RequestBodyTooLarge):
        handler.receive_data_chunk(b"x" * 600, 600)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(port, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def cookies(response: bytes) -> dict:
    return dict(re.findall(rb"Set-Cookie: (\w+)=([^;]*);", response))


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn (one sync worker, as in production) on a fresh SQLite database with one user;
    uploads limited to 4 MB per request."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_REQUEST_MAX_MB": "4",
        "TMPDIR": str(tmp_path / "tmp"),
    }
    (tmp_path / "tmp").mkdir()
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 120, "capture_output": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([sys.executable, "manage.py", "shell", "-c",
                    "from tests.factories import UserFactory;"
                    "UserFactory(username='kjj', role='填报员')"], **run)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def log_in(port) -> dict:
    page = http(port, b"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Connection: close\r\n\r\n")  # fmt: skip
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    jar = cookies(page)
    body = b"username=kjj&password=pass-for-tests-1&csrfmiddlewaretoken=" + token
    answer = http(port, b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Content-Type: application/x-www-form-urlencoded\r\n"
                        b"Cookie: csrftoken=" + jar[b"csrftoken"] + b"\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                        b"Connection: close\r\n\r\n" + body)  # fmt: skip
    assert answer.startswith(b"HTTP/1.1 302"), answer[:300]
    return {**jar, **cookies(answer)}


def test_gunicorn_refuses_a_300_mb_upload_before_it_has_been_sent(gunicorn):
    port, folder = gunicorn
    limit = 4 * 1024 * 1024
    jar = log_in(port)
    boundary = b"----limit-test"
    head = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; "
            b"filename=\"big.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n")  # fmt: skip
    total = 300 * 1024 * 1024
    request = (b"POST /projects/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               b"Cookie: csrftoken=" + jar[b"csrftoken"] + b"; sessionid=" + jar[b"sessionid"]
               + b"\r\nX-CSRFToken: " + jar[b"csrftoken"] + b"\r\n"
               b"Content-Type: multipart/form-data; boundary=" + boundary + b"\r\n"
               b"Content-Length: " + str(total).encode() + b"\r\n\r\n" + head)  # fmt: skip
    sent, answer = 0, b""
    chunk = b"x" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
        s.sendall(request)
        try:
            while sent < total:
                readable, _, _ = select.select([s], [], [], 0)
                if readable:
                    break
                s.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            while part := s.recv(65536):
                answer += part
        except ConnectionResetError:
            pass
    assert sent < 2 * limit, f"sent {sent} bytes before the refusal"
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'data-testid="too-large"' in answer
    with sqlite3.connect(folder / "db.sqlite3") as db:
        assert db.execute("select count(*) from projects_projectimport").fetchone() == (0,)
    media = folder / "media"
    assert not media.exists() or not any(media.rglob("*"))
    assert not any((folder / "tmp").rglob("*.upload*"))
