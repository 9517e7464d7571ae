"""`ecs-guard checkov-dir`: the folder checkov's --external-checks-dir loads.

checkov imports every .py there under its bare file name and reads every
.json/.yaml there as a graph policy, so the folder holds only __init__.py
and one distinctively named module. The bridge itself runs only in checkov's
own environment (tests_checkov/, nox -s checkov)."""

from __future__ import annotations

from pathlib import Path

from ecs_guard.cli import main


def test_checkov_dir_prints_the_checks_folder(capsys):
    assert main(["checkov-dir"]) == 0
    printed = capsys.readouterr().out.strip()
    folder = Path(printed)
    assert folder.is_absolute() and folder.is_dir()
    assert sorted(p.name for p in folder.iterdir() if p.name != "__pycache__") == [
        "__init__.py",
        "ecs_guard_checkov_checks.py",
    ]


def test_checkov_dir_is_listed_in_the_help(capsys):
    main([])
    assert "checkov-dir" in capsys.readouterr().err
