"""GitHub's runner reading workflow commands from a step's output, for tests.

`runner_parse` is the runner's parser (actions/runner,
src/Runner.Common/ActionCommand.cs: TryParseV2 with UnescapeProperty and
UnescapeData) written out in Python step by step; `log_lines` splits output
as the runner reads it.
"""

from __future__ import annotations

import re

ISSUE_COMMANDS = {"error", "warning", "notice"}
REGISTERED = ISSUE_COMMANDS | {
    "group",
    "endgroup",
    "debug",
    "add-mask",
    "stop-commands",
    "echo",
    "add-matcher",
    "remove-matcher",
    "save-state",
    "set-output",
    "add-path",
    "set-env",
}

_DATA = [("\r", "%0D"), ("\n", "%0A"), ("%", "%25")]
_PROPERTY = [("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C"), ("%", "%25")]


def _unescape(text: str, mappings: list[tuple[str, str]]) -> str:
    for token, replacement in mappings:  # in the runner's order: '%' last
        text = text.replace(replacement, token)
    return text


def runner_parse(line: str) -> tuple[str, dict[str, str], str] | None:
    """(command, properties, data) as ActionCommand.TryParseV2 reads one log line, or None."""
    message = line.lstrip()
    if not message.startswith("::"):
        return None
    end = message.find("::", 2)
    if end < 0:
        return None
    info = message[2:end]
    space = info.find(" ")
    name = info if space < 0 else info[:space]
    if name not in REGISTERED:
        return None
    properties: dict[str, str] = {}
    if space > 0:
        for item in (p for p in info[space + 1 :].strip().split(",") if p):
            pair = [part for part in item.split("=", 1) if part]  # Split('=', 2, RemoveEmptyEntries)
            if len(pair) == 2:
                properties[pair[0].lower()] = _unescape(pair[1], _PROPERTY)  # keys are case-insensitive
    return name, properties, _unescape(message[end + 2 :], _DATA)


def log_lines(text: str) -> list[str]:
    """The runner reads its output with .NET's ReadLine: CR LF, LF or CR end a line (str.splitlines
    would also split at U+2028 and others, which the runner does not)."""
    return re.split(r"\r\n|\r|\n", text.removesuffix("\n"))


def parsed_lines(text: str) -> list[tuple[str, dict[str, str], str] | None]:
    return [runner_parse(line) for line in log_lines(text)]
