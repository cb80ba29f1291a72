"""The release settings of the Leiden project (pyproject.toml), for scratch copies of the project whose own
kennisgraaf.toml starts empty."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE_SETTINGS = ("release_base_url", "public_endpoint", "landing_page", "publisher", "publisher_name",
                    "contact_page", "contact_email", "license", "themes")


def leiden_release_settings() -> dict[str, str]:
    table = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["kennisgraaf"]
    return {name: table[name] for name in RELEASE_SETTINGS}


def write_release_settings(project: Path) -> None:
    """Put Leiden's release settings into the kennisgraaf.toml of `project` (JSON strings are TOML strings)."""
    lines = [f"{name} = {json.dumps(value)}" for name, value in leiden_release_settings().items()]
    with (project / "kennisgraaf.toml").open("a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
