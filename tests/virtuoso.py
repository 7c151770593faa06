"""A real Virtuoso Open Source server (Debian package `virtuoso-opensource`) in a temporary directory.

Its own virtuoso.ini (free ports, the database files in the directory, no result cap below ours), then what an
operator must do once, through isql as dba:
- `GRANT SPARQL_UPDATE TO "SPARQL"`: the unauthenticated Graph Store Protocol endpoint /sparql-graph-crud
  writes as the user SPARQL (without the grant a PUT is refused);
- Virtuoso's default graph is the union of every graph, its own included (virtrdf#: about 2,500 triples of
  its mappings, ldp#, the URIQA graph): they are put in the private graph group and the anonymous user
  `nobody` gets no access to private graphs, read-write access to the others; then no query sees them.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx

SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                 "http://localuriqaserver/sparql")
PRIVATE = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
SETUP = "\n".join([
    'GRANT SPARQL_UPDATE TO "SPARQL";',
    f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE}', 1);",
    *[f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE}', '{g}');" for g in SYSTEM_GRAPHS],
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);",
    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);",
    "checkpoint;",
]) + "\n"

INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 60000
MaxDirtyBuffers = 45000
MaxQueryMem = 500M
[HTTPServer]
ServerPort = {http_port}
ServerRoot = .
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


def binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    return (server, isql) if server and isql else None


class Virtuoso:
    def __init__(self, where: Path, sql_port: int, http_port: int) -> None:
        found = binaries()
        assert found is not None
        self.server, self.isql = found
        self.where, self.sql_port = where, sql_port
        self.base = f"http://127.0.0.1:{http_port}"
        self.query_url, self.gsp_url = f"{self.base}/sparql", f"{self.base}/sparql-graph-crud"
        where.mkdir(parents=True, exist_ok=True)
        (where / "virtuoso.ini").write_text(INI.format(sql_port=sql_port, http_port=http_port), "utf-8")
        self.proc = subprocess.Popen([self.server, "+foreground", "+configfile", "virtuoso.ini"], cwd=where,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait(self, within: float = 90) -> None:
        deadline = time.monotonic() + within
        while True:
            try:
                if httpx.get(self.query_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                log = (self.where / "virtuoso.log")
                tail = log.read_text("utf-8", "replace")[-800:] if log.exists() else ""
                raise RuntimeError(f"Virtuoso did not start: {tail}")
            time.sleep(0.3)

    def sql(self, script: str) -> str:
        run = subprocess.run([self.isql, str(self.sql_port), "dba", "dba"], input=script, capture_output=True,
                             text=True, timeout=60, check=False)
        if run.returncode != 0 or "*** Error" in run.stdout:
            raise RuntimeError(f"isql failed: {run.stdout[-800:]} {run.stderr[-800:]}")
        return run.stdout

    def setup(self) -> None:
        self.sql(SETUP)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
