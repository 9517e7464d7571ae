"""python-hcl2's parser tables, built at package build time (setup.py) and
loaded by every scan (ecs_guard/inputs/terraform/hcl/parser_tables.py): they parse
exactly as tables built now, a scan with them builds nothing, and tables
that do not fit what is installed are never used."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import hcl2
import hcl2.parser
import pytest
from input_helpers import repository_hcl

from ecs_guard.inputs.terraform.hcl import parser_tables
from ecs_guard.inputs.terraform.hcl.parse import HclSyntaxError, parse_hcl_reference
from ecs_guard.inputs.terraform.hcl.syntax import to_json

pytestmark = pytest.mark.slow  # end to end: real processes (deselect with -m "not slow")

ROOT = Path(__file__).resolve().parent.parent

BROKEN = [
    'resource "a" "b" {\n  x = \n}\n',
    "locals {\n  a = [1, 2\n}\n",
    'x = "${var.a"\n',
    "x = 1 +\n",
    'resource "a" {\n  y = {a = 1 b = 2}\n}\n',
    "x = <<EOT\nno end\n",
    "x = 1\n}\n",
    "x = @\n",
]


def _corpus() -> list[tuple[str, str]]:
    """Every piece of HCL in the repository: .tf/.tfvars files, the rule
    fixtures' `tf:` cases, and broken texts."""
    return repository_hcl() + [(f"broken#{number}", text) for number, text in enumerate(BROKEN)]


def _tree_facts(node) -> list:
    """A lark tree as plain data: every rule and token with its positions."""
    from lark import Token, Tree

    if isinstance(node, Token):
        return ["token", node.type, str(node), node.line, node.column, node.end_line, node.end_column]
    assert isinstance(node, Tree)
    meta = node.meta
    positions = [getattr(meta, name, None) for name in ("line", "column", "end_line", "end_column")]
    return ["tree", str(node.data), positions, [_tree_facts(child) for child in node.children]]


def _parse_with(parser, text: str, monkeypatch) -> tuple:
    """(raw lark tree facts or error, our syntax tree or error) with `parser` in python-hcl2
    (tests/test_hcl_syntax_builder.py holds the fast path equal to this one).

    An error is compared by where and on which token it stopped, not by
    lark's message: that lists the expected tokens in an order that depends
    on the hash seed of the process that built the tables (lark's own cache
    files differ the same way), and ecs-guard never shows it."""
    try:
        raw = _tree_facts(parser.parse(text + "\n"))
    except Exception as error:
        token = getattr(error, "token", None)
        raw = [
            "error",
            type(error).__name__,
            getattr(error, "line", None),
            getattr(error, "column", None),
            _tree_facts(token) if token is not None else None,
        ]
    monkeypatch.setattr(hcl2.api, "_get_parser", lambda: parser)
    try:  # through python-hcl2's pipeline, which uses `parser` (the fast path loads its own)
        ours = to_json(parse_hcl_reference(text))
    except HclSyntaxError as error:
        ours = ["error", error.message, error.line]
    return raw, ours


@pytest.fixture(scope="module")
def fresh_parser():
    return parser_tables.build_parser(hcl2)


def test_tables_from_a_file_parse_the_corpus_exactly_as_tables_built_now(tmp_path, fresh_parser, monkeypatch):
    saved = tmp_path / "tables.bin"
    # built as the build hook does: in another process, with another hash seed
    build = (
        "import sys, hcl2, hcl2.parser; from pathlib import Path; "
        "from ecs_guard.inputs.terraform.hcl import parser_tables; parser_tables.write_tables(Path(sys.argv[1]), hcl2)"
    )
    run = subprocess.run(
        [sys.executable, "-c", build, str(saved)],
        env={"PYTHONHASHSEED": "12345", "PATH": "/usr/bin"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    loaded = parser_tables.load_tables(saved, hcl2)
    assert loaded is not None
    corpus = _corpus()
    assert len(corpus) > 150
    errors = 0
    for name, text in corpus:
        expected = _parse_with(fresh_parser, text, monkeypatch)
        assert _parse_with(loaded, text, monkeypatch) == expected, name
        errors += isinstance(expected[1], list) and expected[1][0] == "error"
    assert errors >= len(BROKEN)  # the error paths were compared too


def test_tables_that_do_not_fit_are_never_used(tmp_path, fresh_parser):
    good = tmp_path / "good.bin"
    parser_tables.write_tables(good, hcl2, fresh_parser)
    magic, stamp_line, tables = good.read_bytes().split(b"\n", 2)
    for field in ("lark", "python-hcl2", "python", "sources"):
        stamp = json.loads(stamp_line)
        stamp[field] = "other"
        other = tmp_path / f"other-{field}.bin"
        other.write_bytes(magic + b"\n" + json.dumps(stamp, sort_keys=True).encode() + b"\n" + tables)
        assert parser_tables.load_tables(other, hcl2) is None, field
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(good.read_bytes()[:5000])
    assert parser_tables.load_tables(truncated, hcl2) is None
    assert parser_tables.load_tables(tmp_path / "missing.bin", hcl2) is None
    assert parser_tables.load_tables(good, hcl2) is not None


def test_without_usable_shipped_tables_they_are_built_once_into_the_user_cache(tmp_path, fresh_parser, monkeypatch):
    builds = []

    def build(module):
        builds.append(module)
        return fresh_parser

    monkeypatch.setattr(parser_tables, "build_parser", build)
    stale = tmp_path / "shipped.bin"
    stale.write_bytes(b"ecs-guard hcl2 parser tables 1\n{}\n")
    cache = tmp_path / "cache"
    first = parser_tables.hcl2_parser(hcl2, cache, stale)
    assert len(builds) == 1 and first is fresh_parser
    assert [p.name for p in cache.iterdir()] == [parser_tables.cached_tables_path(cache, hcl2).name]
    second = parser_tables.hcl2_parser(hcl2, cache, stale)
    assert len(builds) == 1 and second is not fresh_parser  # loaded from the cache file
    assert stale.read_bytes() == b"ecs-guard hcl2 parser tables 1\n{}\n"  # the shipped file is never written


def test_the_fast_path_parser_comes_from_the_same_tables_shipped_cached_or_built(tmp_path, fresh_parser, monkeypatch):
    """syntax_builder.py's parser is the same tables loaded with its own lark
    options (its transformer, no positions), wherever the tables come from."""
    from ecs_guard.inputs.terraform.hcl.parse import parse_expression
    from ecs_guard.inputs.terraform.hcl.syntax import Body
    from ecs_guard.inputs.terraform.hcl.syntax_builder import SyntaxBuilder

    text = 'resource "a" "b" {\n  x = [1, "${var.y}"]\n}\n'
    expected = to_json(parse_hcl_reference(text))

    def parses(shipped: Path, cache: Path | None) -> bool:
        builder = SyntaxBuilder(parse_expression)
        builder.lark = parser_tables.hcl2_parser(
            hcl2, cache, shipped, transformer=builder.transformer(), propagate_positions=False
        )
        body = builder.parse_file(text)
        return isinstance(body, Body) and to_json(body) == expected

    builds = []
    monkeypatch.setattr(parser_tables, "build_parser", lambda module: builds.append(1) or fresh_parser)
    assert parses(parser_tables.TABLES_FILE, tmp_path / "unused")
    assert builds == []  # shipped
    stale = tmp_path / "shipped.bin"
    stale.write_bytes(b"ecs-guard hcl2 parser tables 1\n{}\n")
    cache = tmp_path / "cache"
    assert parses(stale, cache)  # built now, then loaded with the options
    assert parses(stale, cache)  # from the user cache
    assert parses(stale, None)  # built, no cache at all
    assert builds == [1, 1]


def test_a_cache_that_cannot_be_written_still_gives_a_parser(tmp_path, fresh_parser, monkeypatch):
    monkeypatch.setattr(parser_tables, "build_parser", lambda module: fresh_parser)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    parser = parser_tables.hcl2_parser(hcl2, blocker / "cache", tmp_path / "missing.bin")
    assert parser is fresh_parser


def test_an_unknown_python_hcl2_layout_is_left_alone(tmp_path):
    class Fake:
        pass

    module = Fake()
    module.parser = Fake()
    module.api = Fake()
    module.parser.parser = lambda: None
    module.api._get_parser = lambda: None  # not the builder: another layout
    original = module.api._get_parser
    assert parser_tables.install(module, tmp_path) is False
    assert module.api._get_parser is original


def test_a_cold_scan_of_the_installed_package_builds_no_parser_tables(tmp_path):
    """What ships: the tables setup.py wrote for this install (pip install -e . or .)."""
    assert parser_tables.load_tables(parser_tables.TABLES_FILE, hcl2) is not None, (
        f"{parser_tables.TABLES_FILE} is missing or stale: reinstall (pip install -e .) to build it"
    )
    code = """
        import lark.parsers.lalr_analysis as analysis
        built = []
        original = analysis.LALR_Analyzer.compute_lalr
        analysis.LALR_Analyzer.compute_lalr = lambda self: built.append(1) or original(self)
        from ecs_guard.inputs.terraform.source.root import load_root
        root = load_root("fixtures/hcl/ecs_stack")
        assert not root.problems and root.resources
        print(len(built), sorted(p.name for p in __import__("pathlib").Path(sys.argv[1]).rglob("*.bin")))
    """
    cache = tmp_path / "cache"
    run = subprocess.run(
        [sys.executable, "-c", "import sys\n" + textwrap.dedent(code), str(cache)],
        cwd=ROOT,
        env={"XDG_CACHE_HOME": str(cache), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split(maxsplit=1) == ["0", "[]\n"]


def test_the_build_hook_writes_valid_tables_into_the_built_package(tmp_path):
    build = tmp_path / "build"
    run = subprocess.run(
        [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(build)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    written = build / parser_tables.TABLES_FILE.relative_to(ROOT)
    assert parser_tables.load_tables(written, hcl2) is not None
    assert (build / "ecs_guard" / "inputs" / "terraform" / "hcl" / "parser_tables.py").is_file()
