"""One record of a snapshot file (a service, a role, a subnet...) and the
guard that keeps one malformed record from stopping the rest."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar

from ecs_guard.inputs.jsondocs.lines import JsonText, Locator
from ecs_guard.inputs.problems import InputError, InputProblem

T = TypeVar("T")


class Record(NamedTuple):
    """The object at `path` in a file's text."""

    text: JsonText
    path: tuple
    data: dict

    def locator(self, address: str) -> Locator:
        """Maps a JSON path relative to the record to its lazy Location."""
        return Locator(self.text, self.path, address)

    def identity(self, *keys: str) -> str:
        """The first of `keys` the record has a value for (its ARN, else its
        name): the address of the resource. A record with none of them as text
        names nothing a finding could be reported on, so it is not read."""
        found = next((value for value in map(self.data.get, keys) if value), None)
        if not isinstance(found, str):
            raise InputError(f"the entry has no {' or '.join(keys)}")
        return found


def read_each(records: Iterable[Record], read: Callable[[Record], T | None], problems: list[InputProblem]) -> list[T]:
    """read(record) for every record, skipping (and reporting, with the
    record's line) those it cannot make sense of. An unexpected error is
    reported by its type only: its message might quote a secret from the input."""
    results = []
    for record in records:
        try:
            result = read(record)
        except InputError as error:
            problems.append(_problem(record, error.message, error.line))
            continue
        except Exception as error:  # malformed input must not stop the scan
            problems.append(_problem(record, f"could not read this entry ({type(error).__name__})", None))
            continue
        if result is not None:
            results.append(result)
    return results


def _problem(record: Record, message: str, line: int | None) -> InputProblem:
    return InputProblem(record.text.path, message, line or record.text.line_of(record.path), kind="unreadable")


def as_dict(value: Any) -> dict:
    """`value` when it is an object, else an empty one: optional nested
    objects (networkConfiguration, deploymentConfiguration) may be absent."""
    return value if isinstance(value, dict) else {}
