import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    clean_env = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_refuses_to_start():
    result = run_manage("check", DEBUG="0", ALLOWED_HOSTS="plenary.example")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_unless_the_environment_turns_it_on():
    show_debug = ("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")
    unset = run_manage(
        *show_debug, SECRET_KEY="k" * 50, ALLOWED_HOSTS="plenary.example", EMAIL_URL="console:"
    )
    assert unset.returncode == 0, unset.stderr
    assert unset.stdout.strip().splitlines()[-1] == "False"
    turned_on = run_manage(*show_debug, DEBUG="1")
    assert turned_on.stdout.strip().splitlines()[-1] == "True"


def test_without_debug_or_secret_key_nothing_starts():
    result = run_manage("check")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr


def test_the_migrations_check_needs_no_configuration():
    # It reads the models only; every other command still refuses without a key (above).
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_gunicorn_sends_no_server_header(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unset = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "conference.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env={**env, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        response = None
        for _attempt in range(100):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/plenary.css")
                break
            except OSError:
                time.sleep(0.1)
        assert response is not None, "gunicorn did not answer"
        assert response.status == 200
        assert response.headers.get("Server") is None
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_production_settings_pass_the_deployment_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x7#kq!2vR9m@Lp4s&Wd8zT1nYb6cJf3hGe5uAo0iQrXwVy-plenary",
        ALLOWED_HOSTS="plenary.example",
        CSRF_TRUSTED_ORIGINS="https://plenary.example",
        EMAIL_URL="smtp://plenary:secret@mail.plenary.example:587?tls=1",
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_static_files_are_served_by_whitenoise():
    from django.conf import settings

    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE
