"""The container image, built and run: the project's Dockerfile built with podman FROM an offline
stand-in for python:3.11-slim (no registry is reachable here), its release step and its web
process run against PostgreSQL with the platform's variables, then health, the image's own
HEALTHCHECK, the login page, a login, a score with a token, and no password in the image's
layers, its configuration or the logs.

How podman runs on these machines (Debian's podman with runc, a debootstrap'd base, host
networking) is in the team's testing notes (TESTING.md, "Containers"); scripts/system-deps.sh installs podman,
runc and debootstrap and writes /etc/containers/containers.conf. Without podman the tests are
skipped with the reason, except under CI, where they fail: CI must build the image.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.deploy.conftest import REPO
from tests.deploy.served import ADMIN_PASSWORD, SECRET_KEY, check_served
from tests.net import free_port

pytestmark = pytest.mark.slow

BASE_ROOTFS = "localhost/debian:bookworm-min"
BASE_IMAGE = "localhost/python:3.11-slim-local"
APP_IMAGE = "localhost/pret-a-depenser:test"
# Files that would hold a secret if a build step had written one.
SECRET_FILES = {"admin_password", "demo_credentials.json", "secret_key"}


def podman(*args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["podman", "--runtime", "runc", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)
    if check and done.returncode != 0:
        pytest.fail(f"podman {' '.join(args[:3])} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done


def image_exists(name: str) -> bool:
    return podman("image", "exists", name, check=False).returncode == 0


def debian_mirror() -> str:
    sources = Path("/etc/apt/sources.list.d/debian.sources")
    if sources.exists():
        found = re.search(r"^URIs:\s*(\S+)", sources.read_text(), re.MULTILINE)
        if found:
            return found.group(1)
    return "http://deb.debian.org/debian"


@dataclass
class BuiltImage:
    name: str
    build_seconds: float


@pytest.fixture(scope="session")
def app_image(tmp_path_factory: pytest.TempPathFactory) -> BuiltImage:
    """The project's image, built once per session FROM the stand-in base (built first if absent)."""
    if shutil.which("podman") is None:
        reason = ("podman n'est pas installé / podman is not installed: "
                  "`apt-get install -y --no-install-recommends podman runc debootstrap` (scripts/system-deps.sh)")
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the container tests must run: {reason}")
        pytest.skip(reason)
    work = tmp_path_factory.mktemp("image")
    if not image_exists(BASE_ROOTFS):
        rootfs = work / "rootfs"
        done = subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), debian_mirror()],
                              capture_output=True, text=True, timeout=900, check=False)
        if done.returncode != 0:
            pytest.fail(f"debootstrap failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        archive = work / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
        podman("import", str(archive), BASE_ROOTFS)
        shutil.rmtree(rootfs, ignore_errors=True)
        archive.unlink()
    if not image_exists(BASE_IMAGE):
        context = work / "base"
        context.mkdir()
        shutil.copy(REPO / "tests" / "deploy" / "base-image" / "Containerfile", context / "Containerfile")
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", context / "host-ca.crt")
        podman("build", "--network", "host", "-t", BASE_IMAGE, str(context))
    started = time.monotonic()
    # --format docker keeps the HEALTHCHECK (the OCI format has no field for it).
    podman("build", "--format", "docker", "--network", "host", "--build-arg", f"BASE={BASE_IMAGE}",
           "-t", APP_IMAGE, str(REPO), timeout=1800)
    return BuiltImage(APP_IMAGE, time.monotonic() - started)


@pytest.fixture
def container_env(postgres_database_url: str) -> dict[str, str]:
    platform_url = re.sub(r"^postgresql\+psycopg://", "postgres://", postgres_database_url)
    return {"DATABASE_URL": platform_url, "PAD_SECRET_KEY": SECRET_KEY, "PAD_ADMIN_PASSWORD": ADMIN_PASSWORD}


def env_args(env: dict[str, str]) -> list[str]:
    return [arg for name, value in env.items() for arg in ("-e", f"{name}={value}")]


@pytest.fixture
def web_container(app_image: BuiltImage, container_env: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    """The release step run in a container, then the web container: (name, base URL, release log)."""
    release = podman("run", "--rm", "--network", "host", *env_args(container_env), app_image.name,
                     "credit-scoring", "release", timeout=900)
    port = free_port()
    name = f"pad-web-{port}"
    podman("run", "-d", "--name", name, "--network", "host",
           *env_args({**container_env, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": "1",
                      "PAD_THREADS": "2"}), app_image.name)
    try:
        yield name, f"http://127.0.0.1:{port}", release.stdout + release.stderr
    finally:
        podman("rm", "-f", "-t", "10", name, check=False)


def wait_container_healthy(name: str, base: str, seconds: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        state = json.loads(podman("inspect", name).stdout)[0]["State"]
        if not state["Running"]:
            logs = podman("logs", name, check=False)
            pytest.fail(f"the container exited ({state.get('ExitCode')}):\n{(logs.stdout + logs.stderr)[-4000:]}")
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    pytest.fail(f"no healthy /api/health within {seconds} s")


def test_image_runs_release_then_serves_with_postgres(app_image: BuiltImage, web_container) -> None:
    name, base, release_log = web_container
    assert "admin created" in release_log and "clients" in release_log, release_log[-2000:]
    wait_container_healthy(name, base)
    # The image's own HEALTHCHECK passes.
    assert podman("healthcheck", "run", name, check=False).returncode == 0
    token = podman("exec", name, "credit-scoring", "tokens", "create", "--user", "admin").stdout.strip()
    check_served(base, token)
    logs = podman("logs", name)
    assert ADMIN_PASSWORD not in release_log + logs.stdout + logs.stderr
    assert "Traceback" not in logs.stdout + logs.stderr


def test_image_is_lean_and_runs_as_a_non_root_user(app_image: BuiltImage) -> None:
    inspected = json.loads(podman("image", "inspect", app_image.name).stdout)[0]
    assert inspected["Config"]["User"] == "app"
    assert (inspected.get("Healthcheck") or {}).get("Test"), "the image declares a HEALTHCHECK"
    probe = podman("run", "--rm", "--network", "none", app_image.name, "sh", "-c",
                   "id -u; for c in gcc cc g++ make; do command -v $c; done; "
                   "ls -d /root/.cache/pip ~/.cache/pip 2>/dev/null; "
                   "python -c 'import importlib.util as u; print([m for m in (\"torch\", \"transformers\") "
                   "if u.find_spec(m)])'").stdout.split()
    assert probe == ["10001", "[]"], probe  # non-root; no compiler, pip cache or nlp extra


def test_no_password_in_the_image_layers_or_configuration(app_image: BuiltImage, tmp_path: Path) -> None:
    config = json.loads(podman("image", "inspect", app_image.name).stdout)[0]["Config"]
    names = {entry.split("=", 1)[0] for entry in config.get("Env") or []}
    assert not names & {"PAD_ADMIN_PASSWORD", "PAD_SECRET_KEY", "DATABASE_URL"}
    archive = tmp_path / "image.tar"
    podman("save", "--format", "docker-archive", "-o", str(archive), app_image.name)
    with tarfile.open(archive) as image:
        layers = [member for member in image.getmembers() if member.name.endswith(".tar")]
        assert layers
        for layer in layers:
            with tarfile.open(fileobj=image.extractfile(layer)) as files:
                for member in files.getmembers():
                    base = member.name.rsplit("/", 1)[-1]
                    assert base not in SECRET_FILES and not base.endswith(".db"), member.name
                    if member.isfile() and member.name.startswith(("app/", "./app/")):
                        content = files.extractfile(member).read()
                        assert ADMIN_PASSWORD.encode() not in content and SECRET_KEY.encode() not in content
