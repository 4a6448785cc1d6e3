"""Waypost's production stack on 127.0.0.1, as the repository ships it: gunicorn started by the
commands of the systemd unit (deploy/systemd/waypost.service), behind Debian's nginx with
the site configuration filled in (deploy/nginx/waypost.conf), each on a port the system
chooses. Used by the production checks (tests/test_production_stack.py), the load script
(bench/load.py) and the comparison with WordPress (bench/wordpress.py).

The database is SQLite in the folder given, or PostgreSQL at the address given; it is
migrated and given the demo data (as `make run`) if it has none.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
UNIT = REPO_ROOT / "deploy" / "systemd" / "waypost.service"
NGINX_SITE = REPO_ROOT / "deploy" / "nginx" / "waypost.conf"
# Where the unit expects Waypost to be installed; here, this checkout.
UNIT_HOME = "/srv/waypost"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def require(program: str, package: str) -> str:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found is None:
        raise SystemExit(f"{program} is not installed (Debian: apt-get install {package})")
    return found


@dataclass
class Unit:
    """What systemd would run: environment, commands before, the command, in a folder."""

    environment: dict[str, str]
    before: list[list[str]]
    command: list[str]


def read_unit(path: Path = UNIT, home: Path = REPO_ROOT) -> Unit:
    environment: dict[str, str] = {}
    before: list[list[str]] = []
    command: list[str] = []
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if not sep or line.startswith("#"):
            continue
        value = value.replace(UNIT_HOME, str(home))
        if key == "Environment":
            name, _, setting = value.partition("=")
            environment[name] = setting
        elif key == "ExecStartPre":
            before.append(shlex.split(value))
        elif key == "ExecStart":
            command = shlex.split(value)
    if not command:
        raise SystemExit(f"{path}: no ExecStart")
    return Unit(environment, before, command)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(
                    f"{url} did not answer; log:\n{log.read_text(errors='replace')[-3000:]}"
                ) from None
            time.sleep(0.2)


@dataclass
class Stack:
    base: str  # nginx
    app: str  # gunicorn, directly
    gunicorn: subprocess.Popen[bytes]
    folder: Path

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.gunicorn.pid}/task/{self.gunicorn.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_a_worker(self) -> int:
        """Kills one gunicorn worker at once (SIGKILL, as the kernel's OOM killer would)."""
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        return pid


def _environment(var_dir: Path, database_url: str | None, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "WAYPOST_HTTPS")}
    env.update({"WAYPOST_VAR_DIR": str(var_dir), "DEBUG": "false", **extra})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(var_dir: Path, database_url: str | None = None, *, demo: bool = True) -> None:
    """Migrated, with the demo data (without the national data sets: the same pages every
    run), as `make run` leaves it; or, with demo=False, migrated only."""
    env = _environment(var_dir, database_url, {})
    env.pop("WAYPOST_DATASETS_DIR", None)
    steps = [["migrate", "--noinput", "-v0"]] + ([["load_demo", "--no-datasets"]] if demo else [])
    for args in steps:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def nginx_config(folder: Path, listen: int, upstream: str, static_root: Path) -> Path:
    """The shipped site configuration, filled in, inside a main configuration of its own
    (a private nginx: its pid, temporary files and logs in `folder`)."""
    for name in ("cache", "tmp", "logs"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    site = NGINX_SITE.read_text()
    for placeholder, value in {
        "@LISTEN@": f"127.0.0.1:{listen}",
        "@SERVER_NAME@": "127.0.0.1",
        "@UPSTREAM@": upstream,
        "@STATIC_ROOT@": str(static_root),
        "@CACHE_DIR@": str(folder / "cache"),
        "@LOG_DIR@": str(folder / "logs"),
    }.items():
        site = site.replace(placeholder, value)
    if "@" in "".join(line.split("#")[0] for line in site.splitlines()):
        raise SystemExit(f"{NGINX_SITE}: a placeholder is left unfilled")
    (folder / "waypost.conf").write_text(site)
    # As root, nginx's workers would run as `nobody`, who may not read a private folder.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    main = folder / "nginx.conf"
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"""{user}
worker_processes auto;
pid {folder / "nginx.pid"};
error_log {folder / "logs" / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 65;
{temp}
    include {folder / "waypost.conf"};
}}
"""
    )
    return main


@contextmanager
def production_stack(
    folder: Path,
    *,
    var_dir: Path,
    database_url: str | None = None,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """gunicorn (as the unit runs it) and nginx in front; both stopped afterwards."""
    nginx = require("nginx", "nginx")
    folder.mkdir(parents=True, exist_ok=True)
    unit = read_unit()
    app_port, web_port = free_port(), free_port()
    env = _environment(
        var_dir,
        database_url,
        {**unit.environment, "WAYPOST_BIND": f"127.0.0.1:{app_port}", **(extra_env or {})},
    )
    for command in unit.before:
        subprocess.run(command, cwd=REPO_ROOT, env=env, check=True, capture_output=True)
    app_log = folder / "gunicorn.log"
    with app_log.open("wb") as out:
        gunicorn = subprocess.Popen(
            unit.command, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    web: subprocess.Popen[bytes] | None = None
    try:
        app = f"http://127.0.0.1:{app_port}"
        wait_for(app + "/healthz", gunicorn, app_log)
        config = nginx_config(folder, web_port, f"127.0.0.1:{app_port}", var_dir / "static")
        web_log = folder / "logs" / "error.log"
        web = subprocess.Popen(
            [nginx, "-c", str(config), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{web_port}"
        wait_for(base + "/healthz", web, web_log)
        yield Stack(base=base, app=app, gunicorn=gunicorn, folder=folder)
    finally:
        for process in (web, gunicorn):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
