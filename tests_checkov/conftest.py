"""The checkov bridge's tests. They run only in checkov's own environment
(`nox -s checkov`: checkov pinned, ecs-guard installed with --no-deps), never
in the main test environment (pyproject testpaths is tests/ only)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # fixture_cases: the rule fixtures, shared with the main suite
