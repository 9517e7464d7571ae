"""data "aws_iam_policy_document", computed as the AWS provider computes it.

The provider builds its ``json`` locally at plan time (no AWS call), so a
plan holds it and so do we: statements in order; Sid, Effect, Action,
NotAction, Resource, NotResource, Principal, NotPrincipal, Condition in
that order; a one-element list written as a string and longer ones sorted
in reverse (policyDecodeConfigStringList); principals and conditions as
maps with sorted keys; "&{" turned into "${"; source_policy_documents
merged before and override_policy_documents after, statements with the
same Sid replaced; the deprecated source_json read first (the document
starts as it) and override_json merged last. Output: MarshalIndent with two spaces (``json``) and
compact (``minified_json``). The document keeps each statement's lines, so
a wildcard Action found through a role points at the statement block.
"""

from __future__ import annotations

import zlib

from ecs_guard.inputs.terraform.hcl import gojson
from ecs_guard.inputs.terraform.hcl.gojson import struct_fields
from ecs_guard.inputs.terraform.hcl.jsondoc import parse_document
from ecs_guard.inputs.terraform.hcl.values import Val

STATEMENT_KEYS = (
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
)


class PolicyDocumentError(Exception):
    pass


def policy_document_values(config: Val, file: str, line: int) -> dict[str, Val]:
    """{"json": ..., "minified_json": ..., "id": ...}: known strings, or not
    known (with the document kept) when any part is not known; the id is the
    provider's hash of the json. Raises PolicyDocumentError."""
    document = _document(config, file, line)
    missing = document.first_unknown()
    literal, sources = document.wholly_literal, document.all_sources()
    if missing is not None:
        unknown = Val(
            None, file, line, known=False, reason=missing.reason, literal=literal, sources=sources, document=document
        )
        return {"json": unknown, "minified_json": unknown, "id": unknown.copy(document=None)}
    data = document.to_python()
    text = gojson.indented(data)
    return {
        "json": Val(text, file, line, literal=literal, sources=sources, document=document),
        "minified_json": Val(
            gojson.compact(data, sort_keys=False), file, line, literal=literal, sources=sources, document=document
        ),
        "id": Val(str(zlib.crc32(text.encode("utf-8"))), file, line),
    }


def _document(config: Val, file: str, line: int) -> Val:
    get = _getter(config)
    merged = {"Version": Val("", file, line), "Id": Val("", file, line), "Statement": []}
    for source in _documents(_single(get("source_json"))):
        merged = {**source, "Statement": list(source["Statement"]) if isinstance(source["Statement"], list) else []}
        if not isinstance(source["Statement"], list):  # not known: neither is the document
            merged["Statement"] = source["Statement"]
    for source in _documents(get("source_policy_documents")):
        _merge(merged, source)
    version = get("version")
    current = {
        "Version": version if version is not None and not version.is_null else Val("2012-10-17", file, line),
        "Id": get("policy_id") or Val("", file, line),
        "Statement": _config_statements(get("statement"), file, line),
    }
    if not isinstance(current["Statement"], list):
        return current["Statement"]
    _merge(merged, current)
    for override in _documents(get("override_policy_documents")):
        _merge(merged, override)
    for override in _documents(_single(get("override_json"))):
        _merge(merged, override)
    return _as_val(merged, file, line)


def _single(value: Val | None) -> Val | None:
    """The deprecated source_json / override_json (one JSON string, ignored
    when empty, as GetOk ignores it) as a list of one document."""
    if value is None or value.is_null or (value.known and value.value == ""):
        return None
    return Val([value], value.file, value.line, literal=value.literal)


def _getter(value: Val):
    def get(name: str) -> Val | None:
        if value is None or not value.known or not isinstance(value.value, dict):
            return None
        return value.value.get(name)

    return get


# ----------------------------------------------------------------- statements from the configuration


def _config_statements(statements: Val | None, file: str, line: int):
    if statements is None or statements.is_null:
        return []
    if not statements.known:
        return statements
    result = []
    sids: set[str] = set()
    for statement in statements.value:
        if not statement.known:
            return statement
        get = _getter(statement)
        entry: dict[str, Val] = {}
        sid = get("sid")
        if sid is not None and not sid.is_null:
            if sid.known and sid.value:
                if sid.value in sids:
                    raise PolicyDocumentError(f"duplicate Sid ({sid.value}); remove it or make Sids unique")
                sids.add(sid.value)
                entry["Sid"] = sid
            elif not sid.known:
                entry["Sid"] = sid
        effect = get("effect")
        entry["Effect"] = (
            effect if effect is not None and not effect.is_null else Val("Allow", statement.file, statement.line)
        )
        for key, name, variables in (
            ("Action", "actions", False),
            ("NotAction", "not_actions", False),
            ("Resource", "resources", True),
            ("NotResource", "not_resources", True),
        ):
            value = _string_list(get(name), variables)
            if value is not None:
                entry[key] = value
        for key, name in (("Principal", "principals"), ("NotPrincipal", "not_principals")):
            value = _principals(get(name))
            if value is not None:
                entry[key] = value
        condition = _conditions(get("condition"))
        if condition is not None:
            entry["Condition"] = condition
        result.append(Val(entry, statement.file, statement.line))
    return result


def _string_list(value: Val | None, replace_variables: bool) -> Val | None:
    """policyDecodeConfigStringList: nothing for an empty set, the element
    for one, a reverse-sorted list for more."""
    if value is None or value.is_null:
        return None
    if not value.known:
        return value
    items = list(value.value)
    if not items:
        return None
    if replace_variables:
        items = [item.copy(value=item.value.replace("&{", "${")) if item.is_string else item for item in items]
    if len(items) == 1:
        return items[0]
    missing = next((item for item in items if not item.known), None)
    if missing is not None:
        return missing
    return value.copy(value=sorted(items, key=lambda item: str(item.value), reverse=True), is_set=False)


def _blocks(value: Val | None):
    """None for no blocks, the value itself when not known, else its list."""
    if value is None or value.is_null or (value.known and not value.value):
        return None
    return value.value if value.known else value


def _principals(value: Val | None) -> Val | None:
    blocks = _blocks(value)
    if not isinstance(blocks, list):
        return blocks
    assert value is not None  # blocks is its list
    pairs = []
    for block in blocks:
        get = _getter(block)
        kind, identifiers = get("type"), _string_list(get("identifiers"), True)
        for part in (block, kind, identifiers):
            if part is not None and not part.known:
                return part
        pairs.append((kind, identifiers))
    if len(pairs) == 1:
        kind, identifiers = pairs[0]
        if kind.value == "*" and identifiers is not None and identifiers.to_python() in ("*", ["*"]):
            return identifiers.copy(value="*") if identifiers.is_string else identifiers.value[0]
    return _principal_map(pairs, value)


def _principal_map(pairs: list, owner: Val) -> Val:
    """IAMPolicyStatementPrincipalSet.MarshalJSON: identifiers per type,
    several blocks of one type merged into a list."""
    raw: dict[str, Val] = {}
    for kind, identifiers in pairs:
        if identifiers is None:
            continue
        existing = raw.get(kind.value)
        if identifiers.is_list:
            ordered = sorted(identifiers.value, key=lambda item: str(item.value), reverse=True)
            before = [] if existing is None else (existing.value if existing.is_list else [existing])
            raw[kind.value] = identifiers.copy(value=before + ordered)
        elif existing is None:
            raw[kind.value] = identifiers
        else:
            before = existing.value if existing.is_list else [existing]
            raw[kind.value] = existing.copy(value=[*before, identifiers], is_set=False)
    return owner.copy(value={key: raw[key] for key in sorted(raw)}, is_set=False)


def _conditions(value: Val | None) -> Val | None:
    blocks = _blocks(value)
    if not isinstance(blocks, list):
        return blocks
    assert value is not None  # blocks is its list
    raw: dict[str, dict[str, list[Val]]] = {}
    lines: dict[str, Val] = {}
    for block in blocks:
        get = _getter(block)
        test, variable, values = get("test"), get("variable"), get("values")
        for part in (block, test, variable, values):
            if part is not None and not part.known:
                return part
        items = [
            item.copy(value=item.value.replace("&{", "${")) if item.is_string else item
            for item in (values.value if values is not None and values.is_list else [])
        ]
        raw.setdefault(test.value, {}).setdefault(variable.value, []).extend(items)
        lines.setdefault(test.value, block)
    result = {}
    for test in sorted(raw):
        variables = {}
        for variable in sorted(raw[test]):
            items = raw[test][variable]
            owner = lines[test]
            variables[variable] = items[0] if len(items) == 1 else owner.copy(value=items, is_set=False)
        result[test] = lines[test].copy(value=variables, is_set=False)
    return value.copy(value=result, is_set=False)


# ----------------------------------------------------------------- source and override documents


def _documents(value: Val | None):
    """The policy documents in a list of JSON strings, as merge-ready dicts."""
    if value is None or value.is_null:
        return []
    if not value.known:
        return [{"Version": Val("", value.file, value.line), "Id": Val("", value.file, value.line), "Statement": value}]
    documents = []
    for item in value.value:
        if item.is_null:
            continue
        tree = item.document if item.document is not None else None
        if tree is None:
            if not item.known and item.pieces is None:
                documents.append({"Version": Val(""), "Id": Val(""), "Statement": item})
                continue
            try:
                tree = parse_document(item)
            except ValueError as error:
                raise PolicyDocumentError(f"a source or override policy document is not JSON ({error})") from None
        documents.append(_decoded_document(tree))
    return documents


def _decoded_document(tree: Val) -> dict:
    """json.Unmarshal into IAMPolicyDoc (keys matched case-insensitively)."""
    fields = _fields(tree, ("Version", "Id", "Statement"))
    statements = fields.get("Statement")
    decoded: list[Val] = []
    if statements is not None and statements.known and statements.value is not None:
        if not statements.is_list:
            raise PolicyDocumentError("Statement in a source or override document must be a list")
        for statement in statements.value:
            if not statement.known:
                decoded.append(statement)
                continue
            entry = _fields(statement, STATEMENT_KEYS)
            for key in ("Principal", "NotPrincipal"):
                if key in entry:
                    entry[key] = _decoded_principal(entry[key])
            if "Condition" in entry:
                entry["Condition"] = _decoded_condition(entry["Condition"])
            decoded.append(
                statement.copy(
                    value={
                        k: entry[k]
                        for k in STATEMENT_KEYS
                        if k in entry and not entry[k].is_null and entry[k].value != ""
                    }
                )
            )
    elif statements is not None and not statements.known:
        decoded = statements  # type: ignore[assignment]  # "Statement": the decoded list, or unknown as a whole
    return {
        "Version": fields.get("Version") or Val("", tree.file, tree.line),
        "Id": fields.get("Id") or Val("", tree.file, tree.line),
        "Statement": decoded,
    }


def _fields(tree: Val, names: tuple) -> dict[str, Val]:
    if not tree.known or not isinstance(tree.value, dict):
        raise PolicyDocumentError("a source or override policy document must be a JSON object")
    return struct_fields(tree.value, names)


def _decoded_principal(value: Val) -> Val:
    if not value.known:
        return value
    if value.is_string:
        return value.copy(value="*")
    if not value.is_object:
        raise PolicyDocumentError('Principal must be "*" or an object')
    pairs = []
    for kind in sorted(value.value):
        identifiers = value.value[kind]
        if identifiers.is_list:
            identifiers = identifiers.copy(value=sorted(identifiers.value, key=lambda item: str(item.value)))
        pairs.append((Val(kind, value.file, value.line), identifiers))
    return _principal_map(pairs, value)


def _decoded_condition(value: Val) -> Val:
    if not value.known or not value.is_object:
        return value
    tests = {}
    for test in sorted(value.value):
        variables = value.value[test]
        if not variables.known or not variables.is_object:
            tests[test] = variables
            continue
        entries = {}
        for variable in sorted(variables.value):
            values = variables.value[variable]
            if values.is_bool:
                values = values.copy(value="true" if values.value else "false")
            elif values.is_list and len(values.value) == 1:
                values = values.value[0]
            entries[variable] = values
        tests[test] = variables.copy(value=entries)
    return value.copy(value=tests)


def _merge(target: dict, document: dict) -> None:
    """IAMPolicyDoc.Merge: adopt Id, upgrade Version, statements with a
    known Sid replace the earlier statement with that Sid."""
    if document["Id"].known and document["Id"].value:
        target["Id"] = document["Id"]
    version = document["Version"]
    if not version.known or (target["Version"].known and str(version.value or "") > str(target["Version"].value or "")):
        target["Version"] = version
    statements = document["Statement"]
    if not isinstance(statements, list) or not isinstance(target["Statement"], list):
        target["Statement"] = statements if not isinstance(statements, list) else target["Statement"]
        return
    for statement in statements:
        sid = statement.value.get("Sid") if statement.known else None
        if sid is not None and sid.known and sid.value:
            for index, existing in enumerate(target["Statement"]):
                existing_sid = existing.value.get("Sid") if existing.known else None
                if existing_sid is not None and existing_sid.value == sid.value:
                    target["Statement"][index] = statement
                    break
            else:
                target["Statement"].append(statement)
        else:
            target["Statement"].append(statement)


def _as_val(merged: dict, file: str, line: int) -> Val:
    data: dict[str, Val] = {}
    if not merged["Version"].known or merged["Version"].value:
        data["Version"] = merged["Version"]
    if not merged["Id"].known or merged["Id"].value:
        data["Id"] = merged["Id"]
    statements = merged["Statement"]
    if not isinstance(statements, list):
        data["Statement"] = statements
    elif statements:
        data["Statement"] = Val(statements, file, line)
    return Val(data, file, line)
