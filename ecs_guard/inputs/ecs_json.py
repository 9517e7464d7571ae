"""ECS's own JSON shapes (camelCase) turned into model objects.

Container definitions have the same shape everywhere: inside a Terraform
plan's `container_definitions` string, in task definition files, and in
`describe-task-definition` output. Task-definition-level keys and volumes
are camelCase in every JSON input too. This module reads them once for all
adapters; how a path maps to a line is the caller's business (``locate``).
"""
from __future__ import annotations

from typing import Any, Callable

from ..location import Location
from ..model import Container, EnvVar, Role, TaskDefinition, Value, Volume
from .errors import InputError

Locate = Callable[[tuple], Location]
# resolve_role(role_arn, location) -> (ref, role): the role as written (None
# when not set) and the resolved Role, not known with a reason when it is not
# in the input.
ResolveRole = Callable[[Any, Location], "tuple[Value[str | None], Value[Role | None]]"]


def attribute(obj: dict, key: str, locate: Locate, path: tuple, owner: Location) -> Value:
    """obj[key] as a Value located at its key, or an absent Value at the owner."""
    if key in obj and obj[key] is not None:
        return Value(obj[key], locate(path + (key,)))
    return Value(None, owner)


def containers(definitions: Any, address: str, os_family: Value, locate: Locate) -> Value:
    """Value[tuple[Container]] from a containerDefinitions list. `locate`
    takes paths relative to that list: (0,), (0, "user"), ..."""
    if not isinstance(definitions, list) or not all(isinstance(d, dict) for d in definitions):
        raise InputError("containerDefinitions is not a list of objects")
    result = []
    for index, definition in enumerate(definitions):
        result.append(_container(definition, (index,), address, os_family, locate))
    return Value(tuple(result), locate(()))


def _container(d: dict, path: tuple, address: str, os_family: Value, locate: Locate) -> Container:
    owner = locate(path + ("name",))

    def get(key: str) -> Value:
        return attribute(d, key, locate, path, owner)

    log = d.get("logConfiguration")
    if isinstance(log, dict):
        log_driver = Value(log.get("logDriver"), locate(path + ("logConfiguration", "logDriver")))
    else:
        log_driver = Value(None, owner)
    health = d.get("healthCheck")
    has_health_check = isinstance(health, dict) and bool(health.get("command"))
    return Container(
        address=address,
        location=owner,
        name=Value(d.get("name"), owner),
        image=get("image"),
        essential=get("essential"),
        user=get("user"),
        privileged=get("privileged"),
        readonly_root_filesystem=get("readonlyRootFilesystem"),
        log_driver=log_driver,
        health_check=Value(has_health_check, locate(path + ("healthCheck",)) if health else owner),
        environment=_environment(d.get("environment"), path, address, locate, owner),
        os_family=os_family,
    )


def _environment(entries: Any, path: tuple, address: str, locate: Locate, owner: Location) -> Value:
    if entries is None:
        return Value((), owner)
    if not isinstance(entries, list):
        raise InputError("environment is not a list")
    result = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise InputError("environment entry is not an object")
        where = locate(path + ("environment", index, "name"))
        value = entry.get("value")
        result.append(EnvVar(address=address, location=where, name=Value(entry.get("name"), where),
                             value=Value(None if value is None else str(value), where)))
    return Value(tuple(result), locate(path + ("environment",)))


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
            transit = attribute(efs, "transitEncryption", locate, (index, "efsVolumeConfiguration"),
                                locate((index, "efsVolumeConfiguration")))
        else:
            transit = Value(None, where)
        result.append(Volume(address=address, location=where, name=Value(v.get("name"), where),
                             efs=isinstance(efs, dict), transit_encryption=transit))
    return Value(tuple(result), locate(()))


def task_definition(td: dict, address: str, locate: Locate, resolve_role: ResolveRole) -> TaskDefinition:
    """A TaskDefinition from camelCase JSON (a register-task-definition input,
    a console export, or describe-task-definition's `taskDefinition`).
    `locate` takes paths relative to `td`."""
    owner = locate(("family",))

    def get(key: str) -> Value:
        return attribute(td, key, locate, (), owner)

    platform = td.get("runtimePlatform") if isinstance(td.get("runtimePlatform"), dict) else {}
    os_family = attribute(platform, "operatingSystemFamily", locate, ("runtimePlatform",), owner)
    compat = td.get("requiresCompatibilities") or []
    execution_ref, execution_role = resolve_role(td.get("executionRoleArn"), get("executionRoleArn").location)
    task_ref, task_role = resolve_role(td.get("taskRoleArn"), get("taskRoleArn").location)
    return TaskDefinition(
        address=address,
        location=owner,
        family=get("family"),
        network_mode=get("networkMode"),
        requires_compatibilities=Value(tuple(compat), get("requiresCompatibilities").location),
        cpu=as_text(get("cpu")),
        memory=as_text(get("memory")),
        pid_mode=get("pidMode"),
        os_family=os_family,
        containers=containers(td.get("containerDefinitions") or [], address, os_family,
                              lambda p: locate(("containerDefinitions",) + p)),
        volumes=volumes(td.get("volumes"), address, lambda p: locate(("volumes",) + p), owner),
        execution_role_ref=execution_ref,
        task_role_ref=task_ref,
        execution_role=execution_role,
        task_role=task_role,
    )


def as_text(value: Value) -> Value:
    """cpu and memory are strings in the API but numbers in many hand-written files."""
    if value.is_set and not isinstance(value.value, str):
        return Value(str(value.value), value.location)
    return value
