"""A private PostgreSQL server for the benchmarks: Debian's PostgreSQL, started in a folder of
its own in the system's temporary folder, on 127.0.0.1 at a free port, stopped (and its folder
removed) when the benchmark ends. Never a server the operator runs.

PostgreSQL refuses to run as root: when the benchmark runs as root, the server runs as the
`postgres` user the Debian package creates. That user must be able to enter every folder on
the way to its data, which a checkout in a private folder (mode 0700) does not allow: hence
the system's temporary folder rather than the repository's var/.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest PostgreSQL server programs installed (Debian keeps them by version)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name)
    )
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


def _run(args: list[str]) -> None:
    # From /: the server user may not enter the folder the benchmark was started in.
    done = subprocess.run(args, capture_output=True, text=True, cwd="/")
    if done.returncode != 0:
        raise SystemExit(
            f"PostgreSQL ({Path(args[0]).name}): {done.stderr.strip() or done.stdout.strip()}"
        )


@dataclass
class Server:
    """A running private server: its database's address, and a way to stop and restart it
    (the database going away, and coming back)."""

    url: str
    ctl: list[str]
    log: Path
    options: str

    def stop(self) -> None:
        _run(_as_server_user([*self.ctl, "-m", "fast", "-w", "stop"]))

    def start(self) -> None:
        _run(_as_server_user([*self.ctl, "-l", str(self.log), "-w", "-o", self.options, "start"]))


@contextmanager
def private_postgres(*, settings: dict[str, str] | None = None) -> Iterator[Server]:
    """A fresh server with an empty `waypost` database, stopped and removed afterwards."""
    binaries = pg_bin()
    if binaries is None:
        raise SystemExit(
            "PostgreSQL is not installed (Debian: apt-get install postgresql postgresql-contrib)"
        )
    folder = Path(tempfile.mkdtemp(prefix="waypost-bench-postgres-"))
    data, port = folder / "data", _free_port()
    options = f"-h 127.0.0.1 -p {port} -k {folder}"
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    server = Server(
        url=f"postgres://postgres@127.0.0.1:{port}/waypost",
        ctl=[str(binaries / "pg_ctl"), "-D", str(data)],
        log=folder / "log",
        options=options,
    )
    try:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
        initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]
        _run(_as_server_user([*initdb, "-E", "UTF8", "--locale=C.UTF-8"]))
        server.start()
        createdb = [str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port)]
        _run([*createdb, "-U", "postgres", "waypost"])
        yield server
    finally:
        if data.exists():
            subprocess.run(
                _as_server_user([*server.ctl, "-m", "immediate", "stop"]),
                capture_output=True,
                cwd="/",
            )
        shutil.rmtree(folder, ignore_errors=True)
