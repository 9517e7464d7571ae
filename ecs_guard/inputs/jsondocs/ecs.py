"""ECS's own JSON shapes (camelCase) turned into model objects.

Container definitions have the same shape everywhere: inside a Terraform
plan's `container_definitions` string, in task definition files, and in
`describe-task-definition` output. Task-definition-level keys and volumes
are camelCase in every JSON input too. This module reads them once for all
adapters; how a path maps to a line is the caller's business (``locate``).

Terraform source may know a container definition only in part: there the
document holds ``Unknown`` markers (unknown.py) that become Values not
known, and ``literal(path)`` says which values were written literally
(EG501 exempts references). Other inputs pass neither.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_guard.inputs.jsondocs.lines import JsonValue, Locator
from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.unknown import Unknown
from ecs_guard.location import Location
from ecs_guard.model import Container, EnvVar, Role, TaskDefinition, Value, Volume

Locate = Callable[[tuple], Location]
IsLiteral = Callable[[tuple], bool]
# resolve_role(role_arn, location) -> (ref, role): the role as written (None
# when not set) and the resolved Role, not known with a reason when it is not
# in the input.
ResolveRole = Callable[[Any, Location], "tuple[Value[str | None], Value[Role | None]]"]


def attribute(
    obj: dict, key: str, locate: Locate, path: tuple, owner: Location, literal: IsLiteral | None = None
) -> Value:
    """obj[key] as a Value located at its key, or an absent Value at the owner."""
    found = obj.get(key)
    if found is None:
        return Value(None, owner)
    if literal is None and found.__class__ is not Unknown:  # every input but Terraform source: kept fast
        if locate.__class__ is Locator:  # JSON files: the location is made only if a report needs it
            return JsonValue(found, locate, path, key)
        return Value(found, locate((*path, key)))
    return _read(found, locate((*path, key)), (*path, key), literal)


def _read(found: Any, where: Location, path: tuple, literal: IsLiteral | None) -> Value:
    """A value of the document: not known where it is an Unknown marker."""
    written = literal is None or literal(path)
    if found.__class__ is Unknown:
        return Value.qualified(None, where, known=False, reason=found.reason, literal=written, tail=found.tail)
    return Value(found, where) if written else Value.qualified(found, where, literal=False)


def containers(
    definitions: Any, address: str, os_family: Value, locate: Locate, literal: IsLiteral | None = None
) -> Value:
    """Value[tuple[Container]] from a containerDefinitions list. `locate`
    (and `literal`) take paths relative to that list: (0,), (0, "user"), ..."""
    missing = _unknown_in(definitions)
    if missing is not None:  # which containers there are is not known
        return Value.unknown(missing.reason, locate(()))
    if not isinstance(definitions, list) or not all(isinstance(d, dict) for d in definitions):
        raise InputError("containerDefinitions is not a list of objects")
    result = []
    for index, definition in enumerate(definitions):
        result.append(_container(definition, (index,), address, os_family, locate, literal))
    return Value(tuple(result), locate(()))


def _unknown_in(items: Any) -> Unknown | None:
    """The marker of a list that is not known, or of its first element that is not."""
    if items.__class__ is Unknown:
        return items
    if isinstance(items, list):
        return next((item for item in items if item.__class__ is Unknown), None)
    return None


def _container(
    d: dict, path: tuple, address: str, os_family: Value, locate: Locate, literal: IsLiteral | None
) -> Container:
    owner = locate((*path, "name"))

    log = d.get("logConfiguration")
    if isinstance(log, dict):
        log_path = (*path, "logConfiguration", "logDriver")
        log_driver = _read(log.get("logDriver"), locate(log_path), log_path, literal)
    elif log.__class__ is Unknown:
        log_driver = Value.unknown(log.reason, locate((*path, "logConfiguration")))
    else:
        log_driver = Value(None, owner)
    return Container(
        address=address,
        location=owner,
        name=_read(d.get("name"), owner, (*path, "name"), literal),
        image=attribute(d, "image", locate, path, owner, literal),
        essential=attribute(d, "essential", locate, path, owner, literal),
        user=attribute(d, "user", locate, path, owner, literal),
        privileged=attribute(d, "privileged", locate, path, owner, literal),
        readonly_root_filesystem=attribute(d, "readonlyRootFilesystem", locate, path, owner, literal),
        log_driver=log_driver,
        health_check=_health_check(d.get("healthCheck"), locate((*path, "healthCheck")), owner),
        environment=_environment(d.get("environment"), path, address, locate, owner, literal),
        os_family=os_family,
    )


def _compatibilities(items: Any, where: Location) -> Value:
    """requiresCompatibilities: launch types as text; an element not known makes the list not known."""
    missing = _unknown_in(items)
    if missing is not None:
        return Value.unknown(missing.reason, where)
    items = items or []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise InputError("requiresCompatibilities is not a list of launch types (strings)")
    return Value(tuple(items), where)


def _health_check(health: Any, where: Location, owner: Location) -> Value:
    """Whether a healthCheck with a command is defined."""
    command = health.get("command") if isinstance(health, dict) else health
    if command.__class__ is Unknown:
        return Value.unknown(command.reason, where)
    has_health_check = isinstance(health, dict) and bool(command)
    return Value(has_health_check, where if health else owner)


def _environment(
    entries: Any, path: tuple, address: str, locate: Locate, owner: Location, literal: IsLiteral | None
) -> Value:
    if entries is None:
        return Value((), owner)
    missing = _unknown_in(entries)
    if missing is not None:  # which variables there are is not known
        return Value.unknown(missing.reason, locate((*path, "environment")))
    if not isinstance(entries, list):
        raise InputError("environment is not a list")
    result = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InputError("environment entry is not an object")
        where = locate((*path, "environment", index, "name"))
        value = entry.get("value")
        if value is not None and value.__class__ is not Unknown:
            value = str(value)
        value_path = (*path, "environment", index, "value")
        value_where = where
        if literal is not None:  # Terraform source: a value passed through a variable is located where written
            written = locate(value_path)
            if written.related:
                value_where = written
        result.append(
            EnvVar(
                address=address,
                location=where,
                name=_read(entry.get("name"), where, (*path, "environment", index, "name"), literal),
                value=_read(value, value_where, value_path, literal),
            )
        )
    return Value(tuple(result), locate((*path, "environment")))


def volumes(entries: Any, address: str, locate: Locate, owner: Location) -> Value:
    """Value[tuple[Volume]] from a camelCase `volumes` list; `locate` takes
    paths relative to that list."""
    if entries is None:
        return Value((), owner)
    if not isinstance(entries, list) or not all(isinstance(v, dict) for v in entries):
        raise InputError("volumes is not a list of objects")
    result = []
    for index, v in enumerate(entries):
        efs = v.get("efsVolumeConfiguration")
        where = locate((index,))
        if isinstance(efs, dict):
            transit = attribute(
                efs,
                "transitEncryption",
                locate,
                (index, "efsVolumeConfiguration"),
                locate((index, "efsVolumeConfiguration")),
            )
        else:
            transit = Value(None, where)
        result.append(
            Volume(
                address=address,
                location=where,
                name=Value(v.get("name"), where),
                efs=isinstance(efs, dict),
                transit_encryption=transit,
            )
        )
    return Value(tuple(result), locate(()))


def task_definition(td: dict, address: str, locate: Locate, resolve_role: ResolveRole) -> TaskDefinition:
    """A TaskDefinition from camelCase JSON (a register-task-definition input,
    a console export, or describe-task-definition's `taskDefinition`).
    `locate` takes paths relative to `td`."""
    owner = locate(("family",))

    platform = td.get("runtimePlatform")
    platform = platform if isinstance(platform, dict) else {}
    os_family = attribute(platform, "operatingSystemFamily", locate, ("runtimePlatform",), owner)
    compatibilities = _compatibilities(
        td.get("requiresCompatibilities"), _where(td, "requiresCompatibilities", locate, owner)
    )
    execution_ref, execution_role = resolve_role(
        td.get("executionRoleArn"), _where(td, "executionRoleArn", locate, owner)
    )
    task_ref, task_role = resolve_role(td.get("taskRoleArn"), _where(td, "taskRoleArn", locate, owner))
    return TaskDefinition(
        address=address,
        location=owner,
        family=attribute(td, "family", locate, (), owner),
        network_mode=attribute(td, "networkMode", locate, (), owner),
        requires_compatibilities=compatibilities,
        cpu=as_text(attribute(td, "cpu", locate, (), owner)),
        memory=as_text(attribute(td, "memory", locate, (), owner)),
        pid_mode=attribute(td, "pidMode", locate, (), owner),
        os_family=os_family,
        containers=containers(
            td.get("containerDefinitions") or [], address, os_family, under(locate, ("containerDefinitions",))
        ),
        volumes=volumes(td.get("volumes"), address, under(locate, ("volumes",)), owner),
        execution_role_ref=execution_ref,
        task_role_ref=task_ref,
        execution_role=execution_role,
        task_role=task_role,
    )


def _where(obj: dict, key: str, locate: Locate, owner: Location) -> Location:
    """Where attribute(obj, key, ...) would be located, without making its Value."""
    return owner if obj.get(key) is None else locate((key,))


def under(locate: Locate, prefix: tuple) -> Locate:
    """`locate` for paths relative to `prefix`. A JSON Locator narrows itself
    (lines.Locator.under); any other callable is wrapped."""
    narrow = getattr(locate, "under", None)
    if narrow is not None:
        return narrow(prefix)
    return lambda relative: locate(prefix + relative)


def as_text(value: Value) -> Value:
    """cpu and memory are strings in the API but numbers in many hand-written files."""
    if value.is_set and not isinstance(value.value, str):
        return Value(str(value.value), value.location)
    return value
