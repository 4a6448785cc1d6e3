"""Waypost's production stack against stock WordPress, on the same machine, back to back.

Run from the repository root, as root (it installs Debian packages):  python -m bench.wordpress

1. Installs what is missing of Debian's `wordpress` (6.1), `mariadb-server`, `php-fpm` (8.2,
   with its opcache), `php-mysql`, `wordpress-theme-twentytwentythree` (the stock theme),
   `nginx` and `wrk`.
2. Starts a private MariaDB, PHP-FPM (Debian's pool sizes) and nginx in var/bench/wordpress,
   installs a WordPress site there (no plugin: no cache plugin) and publishes the text of the
   Norwalk, CT guide as a post: the `<main>` of Waypost's own page, the same article.
   WordPress's Debian configuration is read from /etc/wordpress/: the script writes
   config-waypost-bench.php there for the run and removes it afterwards.
3. Starts Waypost's production stack (bench/stack.py, SQLite with the demo data).
4. Measures both with wrk, the same flags: 2 threads, 20 connections, 20 s,
   `Accept-Encoding: gzip`: WordPress's post, then Waypost's guide through nginx (the
   production setup, micro-cache included), then the guide straight from gunicorn (every
   request rendered). Writes var/bench/wordpress.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from bench.load import wrk
from bench.stack import REPO_ROOT, free_port, prepare, production_stack, require

BENCH_DIR = REPO_ROOT / "var" / "bench" / "wordpress"
RESULT_FILE = REPO_ROOT / "var" / "bench" / "wordpress.json"
PACKAGES = [
    "wordpress",
    "wordpress-theme-twentytwentythree",
    "mariadb-server",
    "php-fpm",
    "php-mysql",
    "nginx",
    "wrk",
]
WP_CONFIG_NAME = "waypost-bench"
WP_CONFIG = Path("/etc/wordpress") / f"config-{WP_CONFIG_NAME}.php"
WP_ROOT = Path("/usr/share/wordpress")
WP_CONTENT = Path("/var/lib/wordpress/wp-content")
ADMIN, ADMIN_PASSWORD = "bench", "a bench-only password, never used elsewhere"
DB_PASSWORD = "bench-only"
GUIDE = "/us/ct/norwalk/"
FLAGS = {"threads": 2, "connections": 20, "seconds": 20}


def install_packages() -> None:
    missing = [
        name
        for name in PACKAGES
        if subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", name], capture_output=True, text=True
        ).stdout
        != "install ok installed"
    ]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(f"Run as root to install: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def _wait_for_file(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            said = log.read_text(errors="replace") if log.exists() else "(no log)"
            raise SystemExit(f"{path.name} did not appear; {said}")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def mariadb(folder: Path) -> Iterator[Path]:
    """A private MariaDB with an empty `wordpress` database; yields its socket."""
    data, socket_path, log = folder / "mysql", folder / "mysql.sock", folder / "mysql.log"
    user = ["--user=root"] if os.geteuid() == 0 else []
    install = ["mariadb-install-db", "--no-defaults", f"--datadir={data}", *user]
    subprocess.run(
        [*install, "--auth-root-authentication-method=normal", "--skip-test-db"],
        check=True,
        capture_output=True,
    )
    start = ["mariadbd", "--no-defaults", f"--datadir={data}", f"--socket={socket_path}", *user]
    server = subprocess.Popen(
        [*start, "--skip-networking", f"--log-error={log}", f"--pid-file={folder / 'mysql.pid'}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_file(socket_path, server, log)
        sql = (
            "CREATE DATABASE wordpress; "
            f"CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '{DB_PASSWORD}'; "
            "GRANT ALL ON wordpress.* TO 'wordpress'@'localhost';"
        )
        subprocess.run(
            ["mariadb", "--no-defaults", f"--socket={socket_path}", "-u", "root", "-e", sql],
            check=True,
            capture_output=True,
        )
        yield socket_path
    finally:
        _stop(server)


@contextmanager
def php_fpm(folder: Path, socket_path: Path) -> Iterator[Path]:
    """PHP-FPM with Debian's pool sizes (its php.ini and opcache); yields its socket."""
    fpm = require("php-fpm8.2", "php-fpm")
    listen, log = folder / "php.sock", folder / "php-fpm.log"
    config = folder / "php-fpm.conf"
    config.write_text(
        f"""[global]
pid = {folder / "php-fpm.pid"}
error_log = {log}
[www]
listen = {listen}
pm = dynamic
pm.max_children = 5
pm.start_servers = 2
pm.min_spare_servers = 1
pm.max_spare_servers = 3
"""
    )
    as_root = ["--allow-to-run-as-root"] if os.geteuid() == 0 else []
    server = subprocess.Popen(
        [fpm, "--nodaemonize", "--fpm-config", str(config), *as_root],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_file(listen, server, log)
        yield listen
    finally:
        _stop(server)


@contextmanager
def nginx_for_wordpress(folder: Path, php_socket: Path) -> Iterator[str]:
    nginx = require("nginx", "nginx")
    port = free_port()
    for name in ("tmp", "logs"):
        (folder / name).mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'tmp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = folder / "nginx.conf"
    # As Debian's nginx.conf and its WordPress documentation have it: gzip on, PHP through
    # FastCGI, pretty links through index.php.
    config.write_text(
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
    gzip on;
    access_log off;
{temp}
    server {{
        listen 127.0.0.1:{port};
        root {WP_ROOT};
        index index.php;
        location /wp-content/ {{ alias {WP_CONTENT}/; }}
        location / {{ try_files $uri $uri/ /index.php?$args; }}
        location ~ \\.php$ {{
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
            fastcgi_param WORDPRESS_CONFIG {WP_CONFIG_NAME};
            fastcgi_pass unix:{php_socket};
        }}
    }}
}}
"""
    )
    server = subprocess.Popen(
        [nginx, "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_file(folder / "nginx.pid", server, folder / "logs" / "error.log")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(server)


@contextmanager
def wordpress_config(socket_path: Path) -> Iterator[None]:
    WP_CONFIG.write_text(
        f"""<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '{DB_PASSWORD}');
define('DB_HOST', 'localhost:{socket_path}');
define('WP_CONTENT_DIR', '{WP_CONTENT}');
"""
    )
    try:
        yield
    finally:
        WP_CONFIG.unlink(missing_ok=True)


def install_site(base: str) -> None:
    form = urllib.parse.urlencode(
        {
            "weblog_title": "Waypost comparison",
            "user_name": ADMIN,
            "admin_password": ADMIN_PASSWORD,
            "admin_password2": ADMIN_PASSWORD,
            "pw_weak": "1",
            "admin_email": "bench@example.org",
            "blog_public": "0",
        }
    ).encode()
    with urllib.request.urlopen(base + "/wp-admin/install.php?step=2", data=form) as answer:
        page = answer.read().decode(errors="replace")
    if "Success!" not in page and "Already Installed" not in page:
        raise SystemExit(f"WordPress did not install:\n{page[:2000]}")


def guide_article(base: str) -> tuple[str, str]:
    """The guide's title and the HTML of its <main>: the article a reader reads."""
    with urllib.request.urlopen(base + GUIDE) as answer:
        page = answer.read().decode()
    main = re.search(r"<main[^>]*>(.*)</main>", page, re.S)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    if not main or not title:
        raise SystemExit("the guide page has no <main> or <h1>")
    return re.sub(r"<[^>]+>", "", title.group(1)).strip(), main.group(1)


def publish(socket_path: Path, title: str, html: str) -> str:
    """The post, written into WordPress's tables as its editor would save it (published, by
    the site's administrator); the text goes as hexadecimal, so nothing in it needs quoting."""

    def text(value: str) -> str:
        return f"CONVERT(X'{value.encode().hex()}' USING utf8mb4)"

    sql = (
        "INSERT INTO wp_posts (post_author, post_date, post_date_gmt, post_content, post_title,"
        " post_excerpt, post_status, comment_status, ping_status, post_name, to_ping, pinged,"
        " post_modified, post_modified_gmt, post_content_filtered, post_parent, guid,"
        " menu_order, post_type, comment_count) VALUES (1, NOW(), UTC_TIMESTAMP(),"
        f" {text(html)}, {text(title)}, '', 'publish', 'open', 'open', 'norwalk-connecticut',"
        " '', '', NOW(), UTC_TIMESTAMP(), '', 0, '', 0, 'post', 0); SELECT LAST_INSERT_ID();"
    )
    done = subprocess.run(
        ["mariadb", "--no-defaults", f"--socket={socket_path}", "-u", "root", "-N", "wordpress"],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )
    return f"/?p={int(done.stdout.split()[-1])}"


def fetch(base: str, path: str) -> tuple[int, bytes]:
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=60)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def measure(base: str, path: str) -> dict[str, Any]:
    status, body = fetch(base, path)
    if status != 200:
        raise SystemExit(f"{base}{path} answered {status}")
    figures = wrk(base, paths=[path], folder=BENCH_DIR, **FLAGS)
    figures.pop("output")
    return {"url_path": path, "page_bytes": len(body), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    install_packages()
    # Waypost's database (the demo data) is kept from one run to the next; the rest is new.
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for old in BENCH_DIR.iterdir():
        if old.name != "waypost-var":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    report: dict[str, Any] = {
        "flags": {**FLAGS, "header": "Accept-Encoding: gzip"},
        "machine": f"{os.cpu_count()} CPUs, shared with other work: measured back to back",
    }
    with ExitStack() as stack:
        if not (BENCH_DIR / "waypost-var" / "waypost.sqlite3").exists():
            prepare(BENCH_DIR / "waypost-var")
        waypost = stack.enter_context(
            production_stack(BENCH_DIR / "waypost-web", var_dir=BENCH_DIR / "waypost-var")
        )
        title, article = guide_article(waypost.app)
        socket_path = stack.enter_context(mariadb(BENCH_DIR))
        stack.enter_context(wordpress_config(socket_path))
        php_socket = stack.enter_context(php_fpm(BENCH_DIR, socket_path))
        wordpress = stack.enter_context(nginx_for_wordpress(BENCH_DIR, php_socket))
        install_site(wordpress)
        post = publish(socket_path, title, article)
        _status, body = fetch(wordpress, post)
        if b"Norwalk" not in body or b"twentytwentythree" not in body:
            raise SystemExit("the WordPress post does not show the guide in the stock theme")
        report["wordpress"] = measure(wordpress, post)
        report["waypost_nginx"] = measure(waypost.base, GUIDE)
        report["waypost_gunicorn_uncached"] = measure(waypost.app, GUIDE)
    ratio = report["waypost_nginx"]["requests_per_s"] / report["wordpress"]["requests_per_s"]
    report["ratio"] = round(ratio, 1)
    for label, key in [
        ("WordPress 6.1, stock theme, no cache plugin", "wordpress"),
        ("Waypost production (nginx + gunicorn)", "waypost_nginx"),
        ("Waypost gunicorn alone (every request rendered)", "waypost_gunicorn_uncached"),
    ]:
        row = report[key]
        print(
            f"{label:<50} {row['requests_per_s']:>10,.1f} req/s  p50 "
            f"{row['latency_ms'].get('p50')} ms  p99 {row['latency_ms'].get('p99')} ms  "
            f"failed {row['failed']}  page {row['page_bytes']:,} bytes"
        )
    print(f"Waypost production / WordPress: {report['ratio']}x")
    RESULT_FILE.write_text(json.dumps(report, indent=2) + "\n")
    print(f"  written to {RESULT_FILE.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
