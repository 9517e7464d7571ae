"""python-hcl2, imported on demand and pointed at a grammar cache we can write.

Two traps live here so no other module has to know about them:

- python-hcl2 builds its LALR grammar into ``site-packages/hcl2/.lark_cache.bin``
  on the first parse. In a read-only site-packages (system packages,
  pre-commit's managed environments) that write fails silently and the
  grammar is rebuilt on every run, seconds each time. ``hcl2.parser.PARSER_FILE``
  is read when the (lru-cached) parser is first built, so it is pointed at the
  user cache dir before the first parse. It is only the fallback now: the
  tables built when ecs-guard was built are loaded instead (parser_tables.py).
- checkov's fork bc-python-hcl2 installs the same ``hcl2`` module with an
  older API; whichever was installed last wins, with no pip warning. The 8.x
  API we rely on has ``SerializationOptions``; without it we stop with a
  message that says what happened instead of failing deep in a parse.

hcl2 (and lark) cost ~0.2 s to import and load, which matters for a
pre-commit hook, so nothing imports this module's result at start-up: the
parse module calls ``hcl2_module()`` only when a file is not in the parse cache.
"""

from __future__ import annotations

from functools import lru_cache

from ecs_guard.inputs.terraform.hcl.cache import usable_directory
from ecs_guard.inputs.terraform.hcl.parser_tables import hcl2_parser
from ecs_guard.inputs.terraform.hcl.parser_tables import install as install_parser_tables

_MODULE = None
_CACHE_FOLDER = None  # where tables built at run time go (None: nowhere), decided with _MODULE


class HclLibraryError(Exception):
    """The installed hcl2 module is not the python-hcl2 8.x that ecs-guard needs."""


def hcl2_module():
    """The hcl2 module, checked and configured (once per process)."""
    global _MODULE, _CACHE_FOLDER
    if _MODULE is None:
        try:
            import hcl2
            import hcl2.parser
        except ImportError as error:  # pragma: no cover - a broken install
            raise HclLibraryError(
                f"python-hcl2 is not installed ({error}); install ecs-guard's dependencies (pip install ecs-guard)"
            ) from None
        if not hasattr(hcl2, "SerializationOptions"):
            raise HclLibraryError(
                "the installed 'hcl2' module is not python-hcl2 8.x (probably bc-python-hcl2, "
                "installed by checkov, which replaces it): install ecs-guard in its own virtual "
                "environment, or reinstall python-hcl2>=8.1,<9"
            )
        folder = usable_directory()  # None: no cache (--no-cache, or a folder we cannot write, said once)
        if folder is not None:
            hcl2.parser.PARSER_FILE = folder / f"lark-hcl2-{_version(hcl2)}.bin"
        install_parser_tables(hcl2, folder)  # the shipped tables; PARSER_FILE if not usable
        _MODULE, _CACHE_FOLDER = hcl2, folder
    return _MODULE


def lark_parser(**options):
    """A lark parser of python-hcl2's grammar from the same tables as
    python-hcl2's own (parser_tables.py), with lark `options` of its own
    (syntax_builder.py's transformer)."""
    hcl2 = hcl2_module()
    return hcl2_parser(hcl2, _CACHE_FOLDER, **options)


@lru_cache(maxsize=1)
def hcl2_version() -> str:
    """python-hcl2's version without importing it (for cache keys)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("python-hcl2")
    except PackageNotFoundError:  # pragma: no cover
        return "unknown"


def _version(hcl2) -> str:
    return str(getattr(hcl2, "__version__", "unknown"))
