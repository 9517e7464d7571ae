"""The parse cache is safe to have (issue 10, item 2): nothing in it can be
read without the source file, it is private and bounded, it can be turned
off, and a cache folder that cannot be used is said once and changes
nothing else about the scan."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ecs_guard.inputs.terraform.hcl.cache import ContentCache, cache_session, trim
from ecs_guard.inputs.terraform.hcl.parse import parse_cache, parse_file

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CANARY = "canary-7Qx9-in-a-parsed-file"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ECS_GUARD_NO_CACHE", raising=False)
    monkeypatch.delenv("ECS_GUARD_CACHE_MAX_MB", raising=False)


def cache_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def encodings(text: str) -> list[bytes]:
    raw = text.encode()
    return [raw, base64.b64encode(raw), raw.hex().encode(), raw.hex().upper().encode(), text.encode("utf-16-le")]


# ----------------------------------------------------------------- nothing readable without the source


def test_an_entry_holds_no_literal_of_the_file_and_is_not_named_by_its_plain_hash(tmp_path):
    text = f'locals {{\n  password = "{CANARY}"\n}}\n'
    parse_file(tmp_path / "main.tf", text)
    entries = cache_files(parse_cache().directory)
    assert len(entries) == 1
    data = entries[0].read_bytes()
    for encoded in encodings(CANARY) + encodings("password"):
        assert encoded not in data
    assert entries[0].name != hashlib.sha256(text.encode()).hexdigest()
    assert parse_file(tmp_path / "main.tf", text).cached  # and the source reads it back


ROOT_WITH_SECRETS = """\
variable "db_password" {
  type      = string
  sensitive = true
  default   = "%s-variable"
}

resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "web"
    image = "nginx:1.25"
    environment = [
      { name = "API_TOKEN", value = "%s-literal" },
      { name = "DB_PASSWORD", value = var.db_password },
    ]
  }])
}
"""


def test_a_root_cache_entry_holds_no_secret_of_the_root(tmp_path, monkeypatch):
    """The evaluated root (root_cache.py) holds every value of the root,
    secrets included: like a parse, it is only stored encrypted."""
    from ecs_guard.cli import main

    root = tmp_path / "stack"
    root.mkdir()
    (root / "main.tf").write_text(ROOT_WITH_SECRETS % (CANARY, CANARY))
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "report.json"
    for _ in range(2):  # written, then read back
        main(["scan", "--format", "json", "--output", str(output), "stack"])
    assert "EG501" in output.read_text()
    entries = cache_files(tmp_path / "cache" / "ecs-guard" / "roots")
    assert len(entries) == 2  # the root's manifest and its result
    for entry in entries:
        data = entry.read_bytes()
        for encoded in encodings(CANARY) + encodings("API_TOKEN") + encodings("DB_PASSWORD"):
            assert encoded not in data, entry


def test_a_damaged_swapped_or_forged_entry_is_a_miss_and_is_rewritten(tmp_path):
    cache = ContentCache("test", tmp_path / "cache" / "ecs-guard")
    first, second = cache.key("content one"), cache.key("content two")
    cache.put(first, {"value": 1})
    cache.put(second, {"value": 2})
    path_one = cache.directory / first.name[:2] / first.name
    path_two = cache.directory / second.name[:2] / second.name
    assert cache.get(first) == {"value": 1}

    sealed = bytearray(path_one.read_bytes())
    sealed[-1] ^= 1  # one bit flipped
    path_one.write_bytes(bytes(sealed))
    assert cache.get(first) is None

    shutil.copyfile(path_two, path_one)  # another content's entry under this name
    assert cache.get(first) is None

    path_one.write_bytes(b'{"value": 666}')  # plain JSON written by someone else
    assert cache.get(first) is None

    cache.put(first, {"value": 1})  # a damaged entry is simply written again
    assert cache.has(first)
    assert cache.get(first) == {"value": 1}


def test_folders_are_0700_and_files_0600(tmp_path):
    parse_file(tmp_path / "main.tf", 'locals {\n  a = "b"\n}\n')
    base = tmp_path / "cache" / "ecs-guard"
    folders = [base, *(path for path in base.rglob("*") if path.is_dir())]
    assert all(stat.S_IMODE(folder.stat().st_mode) == 0o700 for folder in folders)
    entries = cache_files(parse_cache().directory)
    assert entries and all(stat.S_IMODE(entry.stat().st_mode) == 0o600 for entry in entries)


def test_an_existing_cache_folder_open_to_others_is_made_private(tmp_path):
    base = tmp_path / "cache" / "ecs-guard"
    base.mkdir(parents=True, mode=0o755)
    os.chmod(base, 0o755)
    parse_file(tmp_path / "main.tf", 'locals {\n  a = "b"\n}\n')
    assert stat.S_IMODE(base.stat().st_mode) == 0o700


# ----------------------------------------------------------------- off, and bounded


def run_cli(*argv: str, env: dict | None = None, cwd: Path = ROOT, prefix: tuple = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ecs_guard", *argv],
        cwd=cwd,
        env=env if env is not None else dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_cache_flag_and_variable_write_nothing(tmp_path):
    cache = tmp_path / "cache"
    for argv, extra in (
        (["scan", "--no-cache", str(EXAMPLES)], {}),
        (["scan", str(EXAMPLES)], {"ECS_GUARD_NO_CACHE": "1"}),
        (["baseline", "--no-cache", "-o", str(tmp_path / "baseline.json"), str(EXAMPLES)], {}),
    ):
        result = run_cli(*argv, env=dict(os.environ, **extra))
        assert result.returncode in (0, 1), result.stderr
        assert "warning" not in result.stderr
        assert cache_files(cache / "ecs-guard" / "parsed") == [], argv
        assert cache_files(cache / "ecs-guard" / "roots") == [], argv


def test_the_cache_is_trimmed_to_its_bound_least_recently_used_first(tmp_path, monkeypatch):
    cache = ContentCache("bounded", tmp_path / "cache" / "ecs-guard")
    keys = [cache.key(f"file {index}") for index in range(40)]
    for age, key in enumerate(keys):
        cache.put(key, {"data": os.urandom(1500).hex()})  # ~2 KB each once compressed and sealed
        path = cache.directory / key.name[:2] / key.name
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # the first written is the oldest
    assert cache.get(keys[0]) is not None  # ... but it has just been used
    monkeypatch.setenv("ECS_GUARD_CACHE_MAX_MB", "0.05")  # 52,428 bytes, less than the ~80 KB written
    with cache_session():  # a run that writes: the folder is trimmed when it ends
        cache.put(cache.key("one more"), {"a": 1})
    total = sum(path.stat().st_size for path in cache_files(cache.directory))
    assert 0 < total <= 52_428
    assert cache.get(keys[0]) is not None  # used most recently: kept
    assert cache.get(keys[1]) is None  # least recently used: evicted
    assert cache.get(keys[-1]) is not None


def test_one_bound_holds_for_every_cache_in_the_folder(tmp_path, monkeypatch):
    """Parsed files and evaluated roots share the folder's bound."""
    base = tmp_path / "cache" / "ecs-guard"
    parsed, roots = ContentCache("parsed", base), ContentCache("roots", base)
    for index in range(20):
        for cache in (parsed, roots):
            cache.put(cache.key(f"{cache.directory.name} {index}"), {"data": os.urandom(1500).hex()})
    (base / "hcl2-parser-tables.bin").write_bytes(b"t" * 100_000)  # not an entry: never counted nor deleted
    monkeypatch.setenv("ECS_GUARD_CACHE_MAX_MB", "0.05")  # 52,428 bytes, less than the ~80 KB written
    with cache_session():
        roots.put(roots.key("one more"), {"a": 1})
    remaining = {cache: cache_files(cache.directory) for cache in (parsed, roots)}
    assert 0 < sum(path.stat().st_size for files in remaining.values() for path in files) <= 52_428
    assert remaining[parsed] and len(remaining[parsed]) < 20  # the parse cache gave way too
    assert (base / "hcl2-parser-tables.bin").exists()


def test_trim_leaves_a_cache_within_its_bound_alone(tmp_path):
    cache = ContentCache("small", tmp_path / "cache" / "ecs-guard")
    key = cache.key("x")
    cache.put(key, {"a": 1})
    trim(cache.directory, 10_000_000)
    assert cache.get(key) == {"a": 1}


# ----------------------------------------------------------------- a cache folder that cannot be used


def unusable_cache_scenarios(tmp_path: Path) -> list[tuple[str, dict, tuple]]:
    """(name, environment, command prefix) for each way a cache folder fails."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    scenarios = [("XDG_CACHE_HOME names a file", {"XDG_CACHE_HOME": str(a_file)}, ())]
    home = tmp_path / "read-only-home"
    home.mkdir()
    home.chmod(0o555)
    read_only_cache = tmp_path / "read-only-cache"
    (read_only_cache / "ecs-guard" / "parsed").mkdir(parents=True, mode=0o700)
    for folder in (read_only_cache / "ecs-guard" / "parsed", read_only_cache / "ecs-guard"):
        folder.chmod(0o500)
    prefix: tuple = ()
    if os.geteuid() == 0:  # root writes anywhere: take away the capability that lets it
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            return scenarios
        prefix = (setpriv, "--bounding-set=-dac_override,-dac_read_search")
    scenarios.append(("HOME not writable (docker run -u 1000)", {"HOME": str(home), "XDG_CACHE_HOME": ""}, prefix))
    scenarios.append(("a read-only cache folder", {"XDG_CACHE_HOME": str(read_only_cache)}, prefix))
    return scenarios


def test_an_unusable_cache_is_said_once_and_the_scan_is_the_same(tmp_path):
    reference = run_cli("scan", "--no-cache", "--format", "json", str(EXAMPLES))
    assert reference.returncode == 1 and "cannot read" not in reference.stdout
    scenarios = unusable_cache_scenarios(tmp_path)
    assert len(scenarios) == 3 or os.geteuid() == 0
    for name, extra, prefix in scenarios:
        result = run_cli("scan", "--format", "json", str(EXAMPLES), env=dict(os.environ, **extra), prefix=prefix)
        assert result.returncode == reference.returncode, (name, result.stderr)
        assert result.stdout == reference.stdout, name
        warnings = [line for line in result.stderr.splitlines() if "cache" in line]
        assert len(warnings) == 1, (name, result.stderr)
        assert warnings[0].startswith("ecs-guard: warning: cannot use the cache folder"), name
        assert "Traceback" not in result.stderr
