"""A throwaway PostgreSQL cluster for the deploy tests: initdb in a temporary folder, a free loopback port, fsync off.

As root the server runs as the `postgres` user (initdb refuses root). Connections over the Unix socket are trusted
(that is how the tests act as superuser or as the migrating role); TCP on 127.0.0.1 asks for a SCRAM password,
as the collector and Grafana would.
"""
import csv
import glob
import io
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass


def find_bindir():
    """The newest PostgreSQL server binaries: $PG_BINDIR, Debian's /usr/lib/postgresql/N/bin, or pg_config."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    if shutil.which("pg_config"):
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
    for directory in candidates:
        if directory and os.path.isfile(os.path.join(directory, "initdb")):
            return directory
    raise RuntimeError("no PostgreSQL server binaries found (install Debian's postgresql package, or set PG_BINDIR)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class QueryResult:
    columns: list  # [(name, type)] as PostgreSQL describes them
    rows: list  # [[text or None]]

    @property
    def names(self):
        return [name for name, _ in self.columns]


class QueryError(Exception):
    pass


class PostgresCluster:
    def __init__(self):
        self.bindir = find_bindir()
        self.base = tempfile.mkdtemp(prefix="deploy-pg-")
        self.data = os.path.join(self.base, "data")
        self.socket_dir = self.base
        self.log = os.path.join(self.base, "server.log")
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def _server_cmd(self, *args):
        cmd = [os.path.join(self.bindir, args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_postgres else cmd

    def start(self):
        if self.as_postgres:
            shutil.chown(self.base, "postgres", "postgres")
        subprocess.run(
            self._server_cmd("initdb", "-D", self.data, "-U", "postgres", "-E", "UTF8", "--no-locale",
                             "--auth-local=trust", "--auth-host=scram-sha-256"),
            check=True, capture_output=True, text=True)
        self.start_server()

    def start_server(self):
        """Starts the server of an initialised cluster: at first, and again after stop_server."""
        options = (f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.socket_dir} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        done = subprocess.run(self._server_cmd("pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start"),
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{self.server_log()}")

    def stop_server(self):
        """Stops the server and keeps its data, as PostgreSQL going away for a while."""
        subprocess.run(self._server_cmd("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"),
                       check=True, capture_output=True, text=True)

    def stop(self):
        subprocess.run(self._server_cmd("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"),
                       capture_output=True, text=True)
        shutil.rmtree(self.base, ignore_errors=True)

    def server_log(self):
        try:
            with open(self.log) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def dsn(self, user, password, database):
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"

    def psql_command(self, database, user="postgres", password=None, settings=None):
        """psql and its environment: trusted Unix socket, or TCP with a password when one is given.
        settings: {name: value} set for the session at connection time, like a role's or database's settings."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(PGHOST="127.0.0.1" if password is not None else self.socket_dir, PGPORT=str(self.port),
                   PGUSER=user, PGDATABASE=database, PGCONNECT_TIMEOUT="5")
        if password is not None:
            env["PGPASSWORD"] = password
        if settings:
            escaped = {name: value.replace(" ", "\\ ") for name, value in settings.items()}  # libpq's escape
            env["PGOPTIONS"] = " ".join(f"-c {name}={value}" for name, value in escaped.items())
        return [os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"], env

    def run_sql(self, sql, database="postgres", user="postgres", password=None, extra_env=None):
        """Runs a script (psql meta-commands allowed); returns stdout, raises QueryError with psql's message."""
        cmd, env = self.psql_command(database, user, password)
        env.update(extra_env or {})
        done = subprocess.run(cmd, input=sql, capture_output=True, text=True, env=env, timeout=60)
        if done.returncode != 0:
            raise QueryError(done.stderr.strip() or done.stdout.strip())
        return done.stdout

    def run_file(self, path, database, user="postgres", single_transaction=True, extra_env=None):
        cmd, env = self.psql_command(database, user)
        env.update(extra_env or {})
        done = subprocess.run(cmd + (["-1"] if single_transaction else []) + ["-f", path],
                              capture_output=True, text=True, env=env, timeout=120)
        if done.returncode != 0:
            raise QueryError(f"{os.path.basename(path)}: {done.stderr.strip()}")
        return done.stdout

    def query(self, sql, database, user, password=None, settings=None):
        """One SQL statement: its result columns with their types (psql's \\gdesc), then its rows."""
        statement = sql.strip().rstrip(";")
        marker = "--8<-- rows --8<--"
        cmd, env = self.psql_command(database, user, password, settings)
        script = f"{statement}\n\\gdesc\n\\echo {marker}\n{statement}\n;\n"
        done = subprocess.run(cmd + ["--csv"], input=script, capture_output=True, text=True, env=env, timeout=60)
        if done.returncode != 0:
            raise QueryError(done.stderr.strip())
        described, _, rows = done.stdout.partition(marker + "\n")
        columns = [tuple(r) for r in list(csv.reader(io.StringIO(described)))[1:]]
        table = list(csv.reader(io.StringIO(rows)))
        return QueryResult(columns=columns, rows=[[v if v != "" else None for v in r] for r in table[1:]])
