"""Load test of the production stack on loopback: gunicorn, whitenoise, the demo scaled up, wrk.

    .venv/bin/python benchmarks/load.py [--duration 60] [--connections 200] [--threads 4]
        [--freshness SECONDS] [--identity] [--abuser-connections 16]

Without DATABASE_URL it starts the project's local PostgreSQL (scripts/portal db-start). The demo
database is not touched: a copy database is created beside it, migrated, given the demo fixture
(import_roundtable, import_papers), scaled to --items programme items with its proceedings built
and published (benchmarks/scale_demo.py), and dropped at the end; uploaded files and the book go
to a temporary PAPERS_ROOT.

The server runs as in production: gunicorn with config/gunicorn.conf.py (2 × cores + 1
workers), DEBUG=0, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, static files collected into a
temporary STATIC_ROOT and served by whitenoise, PAGE_CACHE_FRESHNESS as production has it unless
--freshness says otherwise. Then wrk drives each URL in turn with --connections open connections,
after a short warm-up burst that fills every worker's cache; --duration seconds are shared among
the URLs. Requests ask for gzip as browsers do (Accept-Encoding), or not with --identity.

One row measures the event page while one abusive client (--abuser-connections connections)
hammers resolution.pdf and addresses with random query strings; the issue asks for it within 20 %
of the undisturbed event page. The API lists and the iCal feed are asked for half the static
file's rate.

Each row gives requests per second, latency percentiles, and errors: responses other than 2xx/3xx
plus socket errors (connect, read, write, timeout). A static file from the same server is the
ceiling, measured first and last (wrk shares the cores with the server, so a rate swings from one
run to the next); the issue asks for the event page at half its mean rate or more, with no errors.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO = "public-safety-2025"
# The settings of the served copy: production settings, static files collected apart.
SETTINGS = """from config.settings import *  # noqa: F403

STATIC_ROOT = {static_root!r}
"""
WRK_SCRIPT = """{paths}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d %d %d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


WARM_UP_SECONDS = 2
WARM_UP = argparse.Namespace(connections=20, threads=2, timeout=10, identity=False)
# What browsers send: whitenoise and the page cache answer with gzip (whitenoise also with brotli).
BROWSER_ENCODINGS = "gzip, deflate, br"


def say(text):
    print(f"==> {text}", file=sys.stderr, flush=True)


def database_url():
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    started = subprocess.run(
        ["bash", "scripts/portal", "db-start"], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return re.search(r"DATABASE_URL='([^']+)'", started.stdout).group(1)


def with_database(url, name):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def administer(url, statement):
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def prepare(environment, items):
    """Migrate the copy, import the demo, collect static files, scale the demo up."""
    manage = [PYTHON, "manage.py"]
    for command in (
        [*manage, "migrate", "--no-input", "--verbosity", "0"],
        [*manage, "import_roundtable", "fixtures/roundtable-2025-05-23.yaml"],
        [*manage, "create_demo_organiser"],
        [*manage, "import_papers", "fixtures/papers/papers.yaml"],
        # Before the book: its typesetting reads print styles through the static files' manifest.
        [*manage, "collectstatic", "--no-input", "--verbosity", "0"],
        [PYTHON, "benchmarks/scale_demo.py", "--items", str(items)],
    ):
        subprocess.run(command, cwd=ROOT, env=environment, check=True, stdout=sys.stderr)


def wait_for(base, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


def get(base, path):
    with urllib.request.urlopen(base + path, timeout=30) as response:
        return response.read().decode()


STATIC_FIRST = "static file (first)"
STATIC_LAST = "static file (last)"
UNDISTURBED = "event page kk"
DISTURBED = "event page kk, abused"
# The abusive client: the resolution's PDF, as asked, and with made-up query strings; the event
# page with a made-up ?utm_source= (each would once have been typeset or made anew).
ABUSE_SCRIPT = """local i = 0
request = function()
  i = i % 3 + 1
  local made_up = tostring(math.random(1, 1000000000))
  if i == 1 then return wrk.format("GET", "/kk/{slug}/resolution.pdf") end
  if i == 2 then return wrk.format("GET", "/kk/{slug}/resolution.pdf?x=" .. made_up) end
  return wrk.format("GET", "/kk/{slug}/?utm_source=" .. made_up)
end
"""


def targets(base):
    """(name, [paths]) to measure; several paths are requested in turn."""
    home = get(base, "/kk/")
    static = re.search(r"/static/roundtable/site\.[0-9a-f]+\.css", home).group(0)
    contents = get(base, f"/kk/{DEMO}/proceedings/")
    cards = sorted(set(re.findall(rf"/kk/{DEMO}/proceedings/\d+/", contents)))
    if not cards:
        raise SystemExit("the proceedings list no paper cards: was the book built?")
    return [
        (STATIC_FIRST, [static]),
        ("home", ["/kk/"]),
        ("event page kk", [f"/kk/{DEMO}/"]),
        ("event page ru", [f"/ru/{DEMO}/"]),
        ("event page en", [f"/en/{DEMO}/"]),
        ("roster", [f"/kk/{DEMO}/speakers/"]),
        (f"paper cards ({len(cards)})", cards),
        (DISTURBED, [f"/kk/{DEMO}/"]),
        ("API programme items", ["/api/v1/programme-items/"]),
        ("API programme items ?event", [f"/api/v1/programme-items/?event={DEMO}"]),
        ("API people", ["/api/v1/people/"]),
        ("API people ?event", [f"/api/v1/people/?event={DEMO}"]),
        ("iCal", [f"/kk/{DEMO}/programme.ics"]),
        (STATIC_LAST, [static]),
    ]


API_AND_FEEDS = (
    "API programme items",
    "API programme items ?event",
    "API people",
    "API people ?event",
    "iCal",
)


def abuse(base, seconds, arguments, scratch):
    """Start the abusive client for `seconds`: one wrk thread, --abuser-connections connections."""
    script = scratch / "abuse.lua"
    script.write_text(ABUSE_SCRIPT.format(slug=DEMO))
    return subprocess.Popen(
        [
            "wrk",
            "--threads=1",
            f"--connections={arguments.abuser_connections}",
            f"--duration={seconds}s",
            f"--timeout={arguments.timeout}s",
            f"--script={script}",
            base + "/",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def drive(base, paths, seconds, arguments, scratch):
    """Run wrk against `paths`; returns its figures."""
    if len(paths) == 1:
        lua = f'wrk.path = "{paths[0]}"'
    else:
        quoted = ", ".join(f'"{path}"' for path in paths)
        lua = (
            f"local paths = {{{quoted}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\nend'
        )
    script = scratch / "wrk.lua"
    script.write_text(WRK_SCRIPT.format(paths=lua))
    output = subprocess.run(
        [
            "wrk",
            f"--threads={arguments.threads}",
            f"--connections={arguments.connections}",
            f"--duration={seconds}s",
            f"--timeout={arguments.timeout}s",
            f"--script={script}",
            *([] if arguments.identity else ["--header", f"Accept-Encoding: {BROWSER_ENCODINGS}"]),
            base + paths[0],
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    numbers = [int(n) for n in re.search(r"^RESULT (.*)$", output, re.M).group(1).split()]
    requests, duration, p50, p95, p99, connect, read, write, status, timeout = numbers
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "non-2xx/3xx": status,
        "socket errors": connect + read + write + timeout,
    }


def table(rows):
    header = f"{'URL':<26}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'non-2xx/3xx':>13}"
    header += f"{'socket err':>12}"
    lines = [header, "-" * len(header)]
    for name, figures in rows:
        lines.append(
            f"{name:<26}{figures['rps']:>9.0f}{figures['p50']:>9.1f}{figures['p95']:>9.1f}"
            f"{figures['p99']:>9.1f}{figures['non-2xx/3xx']:>13}{figures['socket errors']:>12}"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds, shared by the URLs")
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=5, help="seconds before wrk gives up")
    parser.add_argument("--items", type=int, default=250)
    parser.add_argument(
        "--abuser-connections", type=int, default=16, help="the abusive client's connections"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--freshness", type=float, help="PAGE_CACHE_FRESHNESS of the server (its default: 1 s)"
    )
    parser.add_argument(
        "--identity", action="store_true", help="ask for uncompressed bodies (no Accept-Encoding)"
    )
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (Debian's package)")

    url = database_url()
    copy = f"rt_load_{secrets.token_hex(4)}"
    scratch = Path(tempfile.mkdtemp(prefix="roundtable-load-"))
    (scratch / "load_settings.py").write_text(SETTINGS.format(static_root=str(scratch / "static")))
    environment = {
        **os.environ,
        "DATABASE_URL": with_database(url, copy),
        "DJANGO_SETTINGS_MODULE": "load_settings",
        "PYTHONPATH": f"{scratch}{os.pathsep}{ROOT}",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PAPERS_ROOT": str(scratch / "papers"),
        "HOST": "127.0.0.1",
        "PORT": str(arguments.port),
    }
    if arguments.freshness is not None:
        environment["PAGE_CACHE_FRESHNESS"] = str(arguments.freshness)
    base = f"http://127.0.0.1:{arguments.port}"
    say(f"Creating the copy database {copy} with the demo scaled to {arguments.items} items")
    administer(url, f'CREATE DATABASE "{copy}"')
    server = None
    try:
        prepare(environment, arguments.items)
        say("Starting gunicorn (config/gunicorn.conf.py)")
        with open(scratch / "gunicorn.log", "w") as log:
            server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "config/gunicorn.conf.py"],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(base, server)
        measured = targets(base)
        seconds = max(1, round(arguments.duration / len(measured)))
        rows = []
        for name, paths in measured:
            say(f"{name}: {seconds} s, {arguments.connections} connections")
            # Each gunicorn worker keeps its own cache: a short burst first fills every one, as
            # the first visitors of the day do, so that the figures are those of a warm server.
            drive(base, paths, WARM_UP_SECONDS, WARM_UP, scratch)
            abuser = None
            if name == DISTURBED:
                abuser = abuse(base, seconds + WARM_UP_SECONDS, arguments, scratch)
                time.sleep(WARM_UP_SECONDS)  # the abuse in full swing before the measure
            try:
                rows.append((name, drive(base, paths, seconds, arguments, scratch)))
            finally:
                if abuser is not None:
                    abuser.terminate()
                    abuser.wait(timeout=30)
        print(table(rows))
        rates = {name: figures["rps"] for name, figures in rows}
        ceiling = (rates[STATIC_FIRST] + rates[STATIC_LAST]) / 2
        print(f"ceiling: the static file's mean rate, {ceiling:.0f} req/s")
        for name in ("event page kk", "event page ru", "event page en", *API_AND_FEEDS):
            print(f"{name}: {rates[name] / ceiling:.0%} of the ceiling")
        print(
            f"{DISTURBED} ({arguments.abuser_connections} abusive connections on resolution.pdf"
            f" and random query strings): {rates[DISTURBED] / rates[UNDISTURBED]:.0%} of the"
            " undisturbed event page"
        )
        print(
            f"requests asked for {'no compression' if arguments.identity else BROWSER_ENCODINGS};"
            f" PAGE_CACHE_FRESHNESS {environment.get('PAGE_CACHE_FRESHNESS', 'default (1 s)')}"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        administer(url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        subprocess.run(["rm", "-rf", str(scratch)], check=False)


if __name__ == "__main__":
    main()
