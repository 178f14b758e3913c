"""The PostgreSQL cluster and the Redis that scripts/portal starts for this checkout (`db-start`,
`make demo`) when no DATABASE_URL or REDIS_URL is given: where their Unix sockets are, computed as
the script computes them (a short path under TMPDIR named after the checkout's real path), and
whether they are there. Settings use them so that commands run in a fresh shell find them."""

import hashlib
import os
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent


def socket_directory(server):
    """/tmp/roundtable-<server>-<hash of the checkout>: PGSOCKET and REDIS_SOCKET of the script."""
    checkout = hashlib.md5(str(CHECKOUT).encode(), usedforsecurity=False).hexdigest()[:10]
    return Path(os.environ.get("TMPDIR") or "/tmp") / f"roundtable-{server}-{checkout}"


def local_redis_socket():
    return socket_directory("redis") / "redis.sock"


def local_database_url():
    return f"postgres://roundtable@/roundtable?host={socket_directory('pg')}"


def local_postgres_exists():
    """Whether this checkout has its own cluster (var/postgres), i.e. is a development checkout."""
    return (CHECKOUT / "var" / "postgres" / "PG_VERSION").exists()


def local_postgres_running():
    return (socket_directory("pg") / ".s.PGSQL.5432").exists()


def local_redis_running():
    return local_redis_socket().exists()
