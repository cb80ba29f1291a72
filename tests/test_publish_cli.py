"""`kennisgraaf publish` against real stores on 127.0.0.1: a plain `oxigraph serve` and Virtuoso 7 (the stores
and helpers of test_publish_graph_store.py)."""

from __future__ import annotations

import hashlib
import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_publish_graph_store import Progress, Target, _target, oxigraph_base, source_graphs  # noqa: F401

from kennisgraaf.cli import cli
from kennisgraaf.config import Settings
from kennisgraaf.store.export import export

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest, built_store: ox.Store) -> Target:
    """A store holding none of the graphs of the build."""
    chosen = _target(request.param, request)
    chosen.clear(source_graphs(built_store))
    return chosen


def environment(settings: Settings, target: Target, **extra: str) -> dict[str, str]:
    env = {"KENNISGRAAF_BUILD_DIR": str(settings.path("build_dir")), "KENNISGRAAF_PUBLISH_CREDENTIALS": ""}
    if target.credentials is not None:
        env["KENNISGRAAF_PUBLISH_CREDENTIALS"] = f"{target.credentials.user}:{target.credentials.password}"
    return {**env, **extra}


def publish(settings: Settings, target: Target, *options: str, **env: str) -> tuple[int, str, str]:
    arguments = ["publish", "--project", str(ROOT), "--to", target.query, "--lang", "en"]
    if target.graph_store:
        arguments += ["--graph-store", target.graph_store]
    result = CliRunner().invoke(cli, [*arguments, *options], env=environment(settings, target, **env))
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_a_first_publish_writes_every_graph_and_a_second_changes_nothing(store: Target,
                                                                         built_settings: Settings) -> None:
    started = time.perf_counter()
    code, out, err = publish(built_settings, store)
    first = time.perf_counter() - started
    assert code == 0, err
    warnings = " ".join(err.split())
    assert "146 added, 0 changed, 0 removed, 0 unchanged" in out
    started = time.perf_counter()
    code, out, err = publish(built_settings, store)
    second = time.perf_counter() - started
    assert code == 0 and "0 added, 0 changed, 0 removed, 146 unchanged; 0 triples written" in out and "(0 writes)" in out
    print(f"\n{store.name}: first publish {first:.2f} s, second {second:.2f} s")
    if store.name == "virtuoso":  # the duration Virtuoso stores as seconds, once, as a warning
        assert warnings.count("warning: The store changed graph") == 1 and '"P2D"' in warnings
    else:
        assert warnings == ""


def test_a_dry_run_prints_what_would_change_and_a_rerun_completes_a_partial_publish(
        store: Target, built_settings: Settings, built_store: ox.Store) -> None:
    def interrupt_after_five(step: Progress) -> None:
        if step.stage == "write" and step.done == 5:
            raise KeyboardInterrupt

    from kennisgraaf.publish.graph_store import PublishInterrupted

    with pytest.raises(PublishInterrupted):  # a publish stopped part-way (what Ctrl-C does)
        store.publish(built_store, progress=interrupt_after_five)
    written = store.counts(source_graphs(built_store))
    code, out, _ = publish(built_settings, store, "--dry-run")
    assert code == 0 and "Would publish" in out and "141 added" in out
    missing = sorted(set(source_graphs(built_store)) - set(written))
    assert f"would add: {missing[0]}" in out.splitlines()
    assert store.counts(source_graphs(built_store)) == written  # nothing was written
    code, out, _ = publish(built_settings, store)
    assert code == 0 and "141 added, 0 changed, 0 removed, 5 unchanged" in out
    assert len(store.counts(source_graphs(built_store))) == 145


def test_settings_and_a_credentials_file_say_where_to(request: pytest.FixtureRequest, built_settings: Settings,
                                                      built_store: ox.Store, tmp_path: Path) -> None:
    target = _target("virtuoso", request)
    target.clear(source_graphs(built_store))
    secret = tmp_path / "credentials"
    secret.write_text(f"{target.credentials.user}:{target.credentials.password}\n", "utf-8")  # type: ignore[union-attr]
    env = {**environment(built_settings, target), "KENNISGRAAF_PUBLISH_CREDENTIALS": "",
           "KENNISGRAAF_PUBLISH_TO": target.query, "KENNISGRAAF_PUBLISH_GRAPH_STORE": target.graph_store or ""}
    result = CliRunner().invoke(cli, ["publish", "--project", str(ROOT), "--lang", "en", "--credentials-file",
                                      str(secret)], env=env)
    assert result.exit_code == 0 and "146 added" in result.stdout, result.output
    nowhere = CliRunner().invoke(cli, ["publish", "--project", str(ROOT), "--lang", "en"],
                                 env={**env, "KENNISGRAAF_PUBLISH_TO": ""})
    assert nowhere.exit_code == 2 and nowhere.stderr.startswith("Where to? Give the store's SPARQL query URL")
    assert "Traceback" not in nowhere.output


def test_wrong_credentials_are_one_paragraph_and_exit_code_2(request: pytest.FixtureRequest,
                                                             built_settings: Settings, built_store: ox.Store) -> None:
    target = _target("virtuoso", request)
    target.clear(source_graphs(built_store))
    code, out, err = publish(built_settings, target, KENNISGRAAF_PUBLISH_CREDENTIALS="dba:not-the-password")
    assert code == 2 and out == ""
    paragraph = " ".join(err.split())
    assert paragraph.startswith("The store at ") and "refused the user name and password (HTTP 401)" in paragraph
    assert "\n\n" not in err.strip() and target.credentials.password not in err  # type: ignore[union-attr]
    assert target.counts(source_graphs(built_store)) == {}
    code, _, err = publish(built_settings, target, "--lang", "nl", KENNISGRAAF_PUBLISH_CREDENTIALS="")
    dutch = " ".join(err.split())
    assert code == 2 and "vraagt om een gebruikersnaam en wachtwoord (HTTP 401) bij het " in dutch
    assert "reading" not in dutch and "querying" not in dutch


def test_a_release_folder_is_published_as_it_is_and_checked_against_its_checksums(
        request: pytest.FixtureRequest, built_settings: Settings, built_store: ox.Store, tmp_path: Path) -> None:
    target = _target("oxigraph", request)
    target.clear(source_graphs(built_store))
    assert publish(built_settings, target)[0] == 0
    release = tmp_path / "1.0"
    release.mkdir()
    export(built_settings, fmt="nquads", output=release / "leiden.nq")
    digest = hashlib.sha256((release / "leiden.nq").read_bytes()).hexdigest()
    (release / "SHA256SUMS").write_text(f"{digest}  leiden.nq\n", "utf-8")
    code, out, _ = publish(built_settings, target, "--release", str(release), "--dry-run")
    assert code == 0 and "0 added, 0 changed, 0 removed, 146 unchanged" in out
    (release / "leiden.nq").write_bytes((release / "leiden.nq").read_bytes() + b"\n")
    code, out, err = publish(built_settings, target, "--release", str(release))
    assert code == 2 and "does not match its checksum" in " ".join(err.split())
    code, _, err = publish(built_settings, target, "--release", str(tmp_path))
    assert code == 2 and "holds neither a store (store/) nor a dump" in " ".join(err.split())


def test_the_command_shows_a_progress_bar_on_a_terminal(request: pytest.FixtureRequest, built_settings: Settings,
                                                        built_store: ox.Store) -> None:
    target = _target("oxigraph", request)
    target.clear(source_graphs(built_store))
    leader, follower = pty.openpty()
    shown = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    command = [str(Path(sys.executable).with_name("kennisgraaf")), "publish", "--project", str(ROOT), "--lang",
               "en", "--to", target.query, "--graph-store", target.graph_store or ""]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, timeout=120,
                          env={**os.environ, **environment(built_settings, target)})
    os.close(follower)
    reader.join(10)
    os.close(leader)
    assert done.returncode == 0
    assert b"146 added" in done.stdout
    terminal = shown.decode("utf-8", "replace")
    assert "comparing" in terminal and "writing" in terminal and "146/146" in terminal
