"""The names of the files in a release folder, shared by `release` (which writes them) and `diff` (which reads
them)."""

from __future__ import annotations

__all__ = ["DUMP_STEM", "MANIFEST", "SITE", "SUMS"]

DUMP_STEM = "leiden"  # the dumps are leiden.ttl, leiden.nq, ... as the server's /dumps/leiden.{ext}
MANIFEST = "release.json"
SUMS = "SHA256SUMS"
SITE = "site"  # the static site, browsable from the release folder itself
