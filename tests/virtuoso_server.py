"""A real, private Virtuoso 7 (Debian's `virtuoso-opensource`, installed by `scripts/setup.sh --test`) on free
ports of 127.0.0.1, for tests that publish to it and query it.

Each instance lives in its own folder: its own virtuoso.ini (both ports bound to 127.0.0.1, DirsAllowed only
that folder, no plugins, no VAD packages), database and log. The dba password is set before the server first
listens (`virtuoso-t +pwdold dba +pwddba ...` creates the database, changes the passwords and exits), so the
default password dba/dba is never open. Starting takes about 2 s for the database and password plus 2-4 s
until the HTTP server answers.

URLs: /sparql (queries, anonymous; updates need the SPARQL_UPDATE role), /sparql-auth (queries and updates,
HTTP digest), /sparql-graph-crud (Graph Store Protocol, anonymous: reading only) and /sparql-graph-crud-auth
(Graph Store Protocol, HTTP digest: reading and writing).
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from processes import free_port, stop, wait_until_answering

__all__ = ["Virtuoso", "serve", "virtuoso_command"]


@dataclass(frozen=True)
class Virtuoso:
    base: str  # http://127.0.0.1:<port>
    user: str
    password: str = field(repr=False)
    start_seconds: float = 0.0

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def sparql_auth(self) -> str:
        return self.base + "/sparql-auth"

    @property
    def graph_store(self) -> str:
        return self.base + "/sparql-graph-crud"

    @property
    def graph_store_auth(self) -> str:
        return self.base + "/sparql-graph-crud-auth"


def virtuoso_command() -> str:
    found = shutil.which("virtuoso-t")
    if found is None:
        raise RuntimeError("The `virtuoso-t` command is missing: run `bash scripts/setup.sh --test` (as root it "
                           "installs Debian's virtuoso-opensource), or `sudo apt-get install virtuoso-opensource`.")
    return found


INI = """\
[Database]
DatabaseFile       = {folder}/virtuoso.db
ErrorLogFile       = {folder}/virtuoso.log
LockFile           = {folder}/virtuoso.lck
TransactionFile    = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {folder}/virtuoso-temp.db
TransactionFile    = {folder}/virtuoso-temp.trx
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = {folder}
NumberOfBuffers      = 5000
MaxDirtyBuffers      = 3000
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {folder}/vsp
MaxClientConnections = 10
ServerThreads        = 10
Charset              = UTF-8
EnabledGzipContent   = 0

[SPARQL]
ResultSetMaxRows      = 100000
MaxQueryExecutionTime = 60
"""


@contextlib.contextmanager
def serve(folder: Path, user: str = "dba", seconds: float = 90) -> Iterator[Virtuoso]:
    """Start a new Virtuoso in `folder` (made if missing) and yield how to reach it; stop it and remove its
    database afterwards."""
    command = virtuoso_command()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    while sql_port == http_port:
        sql_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder.resolve(), sql_port=sql_port, http_port=http_port), "utf-8")
    password = secrets.token_urlsafe(12)
    log = folder / "virtuoso.log"
    started = time.monotonic()
    try:
        subprocess.run([command, "+configfile", str(ini), "+foreground", "+pwdold", "dba", "+pwddba", password,
                        "+pwddav", password], cwd=folder, check=True, capture_output=True, timeout=seconds)
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"virtuoso-t could not make its database in {folder}:\n{_tail(log)}") from error
    with open(folder / "output.log", "wb") as output:
        process = subprocess.Popen([command, "+configfile", str(ini), "+foreground"], cwd=folder,
                                   stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_answering(base + "/sparql?query=ASK%7B%7D", process, "virtuoso-t", seconds, lambda: _tail(log))
        yield Virtuoso(base, user, password, time.monotonic() - started)
    finally:
        stop(process, 30)
        for name in folder.glob("virtuoso*"):
            if name.suffix in (".db", ".trx", ".pxa", ".lck"):
                name.unlink(missing_ok=True)


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text("utf-8", "replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
