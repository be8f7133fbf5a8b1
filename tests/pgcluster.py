"""A throwaway PostgreSQL cluster for the tests: ``with Cluster() as cluster: ...``.

:class:`Cluster` runs ``initdb`` in a temporary folder (in ``BXGC_TEST_PG_DIR`` if set, else
in ``/dev/shm`` when it has room), starts the server on 127.0.0.1 and a free port with
durability off (``fsync``, ``synchronous_commit`` and ``full_page_writes``: the data lives
as long as the test run), and creates the application role ``bxgc``: it may log in and
create databases but is no superuser, so privileges are enforced as they are in
production. :meth:`Cluster.create_database` gives each test a fresh database in tens of
milliseconds.

Leaving the ``with`` block stops the server (``pg_ctl stop -m immediate``) and removes the
folder. A run that ends without leaving it is cleaned up too: at interpreter exit
(``atexit``), and, when the process is killed (``SIGTERM``, ``SIGKILL``, a closed
terminal), by a small watchdog process that waits on a pipe only this process holds and
stops the server when the pipe closes without a word.

As root (``initdb`` and ``postgres`` refuse to run as root) the folder belongs to the
``postgres`` user and ``initdb``/``pg_ctl`` run as it through ``runuser``.

Run a command against a fresh cluster::

    python -m tests.pgcluster -- .venv/bin/python -m pytest tests/store

The command sees ``BXGC_TEST_PG_DSN``, the superuser (``postgres``) DSN of a fresh
database owned by ``bxgc``, and ``BXGC_TEST_PG_APP_DSN``, the same database for ``bxgc``;
the exit code is the command's.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from types import FrameType, TracebackType

import psycopg
from psycopg import sql

APP_ROLE = "bxgc"
"""The application role: ``LOGIN CREATEDB``, not a superuser."""

SUPERUSER = "postgres"
"""The bootstrap superuser ``initdb`` creates (``-U postgres``)."""

OS_USER = "postgres"
"""The operating-system user the server runs as when this process is root."""

SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "shared_buffers": "128MB",
}
"""Server settings besides the address, port and socket folder."""

USAGE = "usage: python -m tests.pgcluster -- CMD [ARGS...]"

DSN_ENV = "BXGC_TEST_PG_DSN"
APP_DSN_ENV = "BXGC_TEST_PG_APP_DSN"
DIR_ENV = "BXGC_TEST_PG_DIR"
"""The folder to make clusters in, instead of ``/dev/shm`` or the temporary folder."""

_DEBIAN_ROOT = Path("/usr/lib/postgresql")
_START_ATTEMPTS = 3
_SHM = "/dev/shm"
_SHM_ROOM = 1 << 30  # a container's default 64 MB /dev/shm is too small
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_names = itertools.count(1)

# Run in a child process: stdin is a pipe whose write end only the owner holds. The owner
# writes a byte when it has stopped the server itself; end of file without one means the
# owner died, so the server is stopped and the folder removed here.
_WATCHDOG = """
import json, shutil, subprocess, sys
if not sys.stdin.buffer.read(1):
    subprocess.run(json.loads(sys.argv[1]), stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    shutil.rmtree(sys.argv[2], ignore_errors=True)
"""


def _as_root() -> bool:
    return os.geteuid() == 0


def _debian_bin() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` that has ``initdb``."""

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name))

    found = [p.parent for p in _DEBIAN_ROOT.glob("*/bin/initdb") if os.access(p, os.X_OK)]
    return max(found, key=version, default=None)


def postgres_bin() -> Path:
    """The folder with ``initdb``, ``pg_ctl`` and ``postgres``.

    Debian's ``/usr/lib/postgresql/<version>/bin``, the newest version. When there is none,
    Debian's ``postgresql`` package is installed (``apt-get update``, then ``apt-get install
    -y --no-install-recommends``, through ``sudo`` unless root) and the folder looked for
    again; :class:`RuntimeError` says what is missing if that fails.
    """
    found = _debian_bin()
    if found is not None:
        return found
    sudo = [] if _as_root() else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print("PostgreSQL is missing: installing Debian's postgresql package", file=sys.stderr)
    try:
        for command in (
            ["apt-get", "update", "-q"],
            ["apt-get", "install", "-y", "-q", "--no-install-recommends", "postgresql"],
        ):
            subprocess.run([*sudo, *command], env=env, check=True, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise RuntimeError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb) and installing "
            f"Debian's postgresql package failed: {exc}. Install it with "
            "`sudo apt-get install postgresql` or run `bash scripts/install-system-deps.sh`."
        ) from exc
    found = _debian_bin()
    if found is None:
        raise RuntimeError(
            "PostgreSQL is not installed: Debian's postgresql package was installed but "
            "/usr/lib/postgresql/*/bin/initdb is still missing."
        )
    return found


def _scratch() -> str | None:
    """Where the temporary folder goes: ``BXGC_TEST_PG_DIR`` if set, else ``/dev/shm``
    (memory) when it has room, else the default temporary folder. On disk, creating a
    database took 30-450 ms on a test machine; in memory about 20 ms, and the cluster
    starts twice as fast. Each database takes about 7.5 MB there, of memory in
    ``/dev/shm``: drop the ones a test is done with."""
    if os.environ.get(DIR_ENV):
        return os.environ[DIR_ENV]
    with contextlib.suppress(OSError):
        stat = os.statvfs(_SHM)
        if os.access(_SHM, os.W_OK | os.X_OK) and stat.f_bavail * stat.f_frsize >= _SHM_ROOM:
            return _SHM
    return None


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _conf_value(value: str) -> str:
    """A quoted ``postgresql.conf`` value."""
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def _exit_code(returncode: int) -> int:
    """A child's return code as a shell reports it: a signal ``N`` is ``128 + N``."""
    return 128 - returncode if returncode < 0 else returncode


class Cluster:
    """A PostgreSQL server of its own in a temporary folder, for the length of a ``with``.

    Entering makes the folder (owned by the ``postgres`` user when root: ``initdb`` and the
    server refuse to run as root, so they run through ``runuser -u postgres --``), runs
    ``initdb --auth=trust -U postgres -E UTF8 --locale=C.UTF-8`` (``C`` where that locale is
    missing) and starts the server with ``pg_ctl -w`` on 127.0.0.1 and a free port, its Unix
    socket in the folder, with :data:`SETTINGS`. It then creates the role ``bxgc``:
    ``LOGIN CREATEDB`` but no superuser, since the application's tests check privileges
    that a superuser would bypass.

    Leaving stops the server (``pg_ctl stop -m immediate``) and removes the folder. So does
    interpreter exit, and the watchdog of the module docstring when the process is killed.
    """

    port: int
    folder: Path
    """The temporary folder: ``data`` (the cluster), ``server.log`` and the Unix socket."""

    def __init__(self) -> None:
        self.port = 0
        self.folder = Path()
        self._bin = Path()
        self._admin: psycopg.Connection | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._running = False
        self._owner = os.getpid()

    # -- paths and commands ---------------------------------------------------------------

    @property
    def data(self) -> Path:
        """The cluster's data directory."""
        return self.folder / "data"

    @property
    def log(self) -> Path:
        """The server's log file."""
        return self.folder / "server.log"

    def _command(self, program: str, *args: str) -> list[str]:
        """``program args`` from the PostgreSQL folder, as the ``postgres`` user when root."""
        command = [str(self._bin / program), *args]
        return ["runuser", "-u", OS_USER, "--", *command] if _as_root() else command

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self._command(program, *args),
            cwd=self.folder,  # the postgres user may not enter the caller's folder
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def _stop_command(self) -> list[str]:
        return self._command("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")

    # -- life cycle ---------------------------------------------------------------------------

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Make the folder, ``initdb``, start the server and create the role ``bxgc``."""
        self._bin = postgres_bin()
        self._owner = os.getpid()
        self.folder = Path(tempfile.mkdtemp(prefix="bxgc-pg-", dir=_scratch()))
        atexit.register(self.close)
        try:
            if _as_root():
                shutil.chown(self.folder, user=OS_USER, group=OS_USER)
            self._watch()
            self._initdb()
            self._start_server()
            self._admin = psycopg.connect(self.dsn(user=SUPERUSER), autocommit=True)
            self._admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN CREATEDB NOSUPERUSER").format(
                    sql.Identifier(APP_ROLE)
                )
            )
        except BaseException:
            self.close()
            raise

    def _watch(self) -> None:
        """Start the watchdog that stops the server should this process die first."""
        self._watchdog = subprocess.Popen(
            [
                sys.executable,
                "-I",
                "-c",
                _WATCHDOG,
                json.dumps(self._stop_command()),
                str(self.folder),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal must not stop it before us
        )

    def _initdb(self) -> None:
        failures = []
        for locale in ("C.UTF-8", "C"):
            done = self._run(
                "initdb",
                "-D",
                str(self.data),
                "--auth=trust",
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                f"--locale={locale}",
                "--no-sync",
                "--no-instructions",
            )
            if done.returncode == 0:
                return
            failures.append(f"--locale={locale}: {done.stdout}{done.stderr}")
        raise RuntimeError("initdb failed:\n" + "\n".join(failures))

    def _start_server(self) -> None:
        conf = self.data / "postgresql.conf"
        original = conf.read_text(encoding="utf-8")
        failures = []
        for _ in range(_START_ATTEMPTS):  # another process may take the free port first
            self.port = _free_port()
            settings = {
                **SETTINGS,
                "listen_addresses": "127.0.0.1",
                "port": str(self.port),
                "unix_socket_directories": str(self.folder),
            }
            lines = [f"{name} = {_conf_value(value)}" for name, value in settings.items()]
            conf.write_text(original + "\n# tests/pgcluster.py\n" + "\n".join(lines) + "\n")
            done = self._run("pg_ctl", "start", "-w", "-D", str(self.data), "-l", str(self.log))
            if done.returncode == 0:
                self._running = True
                return
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            failures.append(f"port {self.port}: {done.stdout}{done.stderr}{log[-2000:]}")
        raise RuntimeError("PostgreSQL did not start:\n" + "\n".join(failures))

    def close(self) -> None:
        """Stop the server and remove the folder; safe to call more than once."""
        if os.getpid() != self._owner:
            return  # a forked child leaving: the server is its parent's
        atexit.unregister(self.close)
        if self._admin is not None:
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        if self._running:
            subprocess.run(
                self._stop_command(),
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            self._running = False
        if self.folder != Path():
            shutil.rmtree(self.folder, ignore_errors=True)
        if self._watchdog is not None:
            assert self._watchdog.stdin is not None
            with contextlib.suppress(OSError):
                self._watchdog.stdin.write(b"x")  # stopped already: the watchdog leaves it be
                self._watchdog.stdin.close()
            self._watchdog.wait()
            self._watchdog = None

    # -- databases ------------------------------------------------------------------------

    def dsn(self, database: str = "postgres", *, user: str = APP_ROLE) -> str:
        """``postgresql://USER@127.0.0.1:PORT/DATABASE``."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def _connection(self) -> psycopg.Connection:
        if self._admin is None:
            raise RuntimeError("the cluster is not running")
        return self._admin

    def create_database(self, name: str | None = None, *, template: str | None = None) -> str:
        """Create a database owned by ``bxgc`` and return its DSN for ``bxgc``.

        ``name`` defaults to a fresh ``t_<counter>_<pid>``; ``template`` names a database to
        copy (no one may be connected to it), else the database starts empty. An empty one
        takes some 15-40 ms: one ``CREATE DATABASE`` on the superuser connection the
        cluster keeps open.
        """
        if name is None:
            name = f"t_{next(_names)}_{os.getpid()}"
        if not _IDENTIFIER.fullmatch(name):
            # the name goes into a DSN unquoted: keep to plain lower-case identifiers
            raise ValueError(f"not a plain database name: {name!r}")
        statement = sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(APP_ROLE)
        )
        if template is not None:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        admin = self._connection()
        if admin.info.server_version >= 150000:
            # copy the files rather than write them to the WAL (15's default): with fsync off
            # its checkpoints cost nothing, and a 33 MB template copies in 45 ms, not 85-170
            statement += sql.SQL(" STRATEGY FILE_COPY")
        admin.execute(statement)
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """DROP DATABASE, closing any connection still open to it."""
        self._connection().execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def main(argv: list[str]) -> int:
    """``python -m tests.pgcluster -- CMD ARGS...``: run CMD against a fresh cluster."""
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv or argv[0] in {"-h", "--help"}:
        print(USAGE, file=sys.stderr)
        return 2
    with Cluster() as cluster:
        app_dsn = cluster.create_database()
        name = app_dsn.rsplit("/", 1)[1]
        env = dict(os.environ)
        env[DSN_ENV] = cluster.dsn(name, user=SUPERUSER)
        env[APP_DSN_ENV] = app_dsn
        print(f"PostgreSQL on 127.0.0.1:{cluster.port}: {DSN_ENV}={env[DSN_ENV]}", file=sys.stderr)
        try:
            child = subprocess.Popen(argv, env=env)
        except OSError as exc:
            print(f"cannot run {argv[0]}: {exc}", file=sys.stderr)
            return 127

        def forward(signum: int, _frame: FrameType | None) -> None:
            child.send_signal(signum)

        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, forward)
        try:
            code = child.wait()
        except KeyboardInterrupt:  # the terminal interrupted the command too: let it finish
            code = child.wait()
        return _exit_code(code)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
