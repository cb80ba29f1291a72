"""Apache Jena's SHACL validator (Debian's libapache-jena-java), run as an independent second checker.

Debian ships the jars without the `shacl` script, so the command is run as `java -cp ... shacl.shacl validate`
with the classpath made from the jars of the package and of the packages it depends on. Debian's jena-core moves
Jena's bundled Xerces to the package `xerces`, but leaves its message files under `org/apache/jena/ext/xerces/`,
and Xerces then fails to start ("internal error" in XSSimpleTypeDecl); a copy of those files under `xerces/`,
taken from the same jar, is put on the classpath.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

PACKAGE = "libapache-jena-java"


def _package_jars(package: str) -> list[str]:
    listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=False).stdout
    return [line for line in listing.splitlines()
            if re.fullmatch(r"/usr/share/java/[^/]+\.jar", line) and not re.search(r"-\d[\d.]*\.jar$", line)]


def _depends(package: str) -> list[str]:
    text = subprocess.run(["dpkg-query", "-W", "-f", "${Depends}", package], capture_output=True, text=True,
                          check=False).stdout
    return [part.split()[0] for part in re.split(r"[,|]", text) if part.strip()]


def classpath() -> list[str] | None:
    """The jars to run Jena's commands with, or None when Jena or java is not installed."""
    if shutil.which("java") is None or shutil.which("dpkg") is None or not _package_jars(PACKAGE):
        return None
    seen, todo, jars = set(), [PACKAGE], []
    while todo:
        package = todo.pop()
        if package in seen or not package.endswith("-java"):
            continue
        seen.add(package)
        jars += _package_jars(package)
        todo += _depends(package)
    # One logging binding: the nop one (others on the path make SLF4J refuse to start).
    jars = [j for j in jars if "slf4j" not in Path(j).name and "log4j" not in Path(j).name]
    jars += [j for j in ("/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar") if Path(j).is_file()]
    return sorted(set(jars))


def validate(shapes: Path, data: Path, workdir: Path) -> str:
    """Jena's sh:ValidationReport (Turtle) of `data` against `shapes`."""
    jars = classpath()
    assert jars is not None
    messages = workdir / "xerces-messages"
    if not messages.exists():
        core = next(j for j in jars if Path(j).name == "jena-core.jar")
        with zipfile.ZipFile(core) as archive:
            for name in archive.namelist():
                if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                    target = messages / "xerces" / name[len("org/apache/jena/ext/xerces/"):]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(name))
    result = subprocess.run(["java", "-cp", ":".join(jars + [str(messages)]), "shacl.shacl", "validate",
                             "--shapes", str(shapes), "--data", str(data)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0 and "ValidationReport" in result.stdout, result.stderr[-2000:]
    return result.stdout
