"""container_definitions as the AWS provider plans it (hashicorp/aws 5.x).

The provider's StateFunc decodes the JSON into the ECS SDK's structs with
Go's encoding/json (keys matched case-insensitively, unknown keys dropped,
null the same as absent, a wrong type an error), drops zero-valued
elements from the object lists (compactArrays), sorts containers,
environment and secrets by name, and writes it back with the SDK's
serializer (absent pointers and empty enums left out, but false, 0 and ""
kept where the field is a pointer; ``cpu`` is not a pointer, so 0 goes)
and then sorted keys. Verified against real plans (fixtures/hcl/*/plan.json).

We apply the same to the Val tree, so each value keeps its line and its
literal/unknown flags, and a container-level finding can point at the key.
"""

from __future__ import annotations

from ecs_guard.inputs.terraform.hcl.gojson import struct_fields
from ecs_guard.inputs.terraform.hcl.values import Val

STRING, ENUM, INT, INT_OMIT_ZERO, INT_ALWAYS, BOOL, STRING_MAP = (
    "string",
    "enum",
    "int",
    "int0",
    "int!",
    "bool",
    "map",
)


def _object(**fields) -> tuple:
    return ("object", fields)


def _list(kind) -> tuple:
    return ("list", kind)


KEY_VALUE = _object(name=STRING, value=STRING)
SECRET = _object(name=STRING, valueFrom=STRING)
CONTAINER = _object(
    command=_list(STRING),
    cpu=INT_OMIT_ZERO,
    credentialSpecs=_list(STRING),
    dependsOn=_list(_object(condition=ENUM, containerName=STRING)),
    disableNetworking=BOOL,
    dnsSearchDomains=_list(STRING),
    dnsServers=_list(STRING),
    dockerLabels=STRING_MAP,
    dockerSecurityOptions=_list(STRING),
    entryPoint=_list(STRING),
    environment=_list(KEY_VALUE),
    environmentFiles=_list(_object(type=ENUM, value=STRING)),
    essential=BOOL,
    extraHosts=_list(_object(hostname=STRING, ipAddress=STRING)),
    firelensConfiguration=_object(type=ENUM, options=STRING_MAP),
    healthCheck=_object(command=_list(STRING), interval=INT, retries=INT, startPeriod=INT, timeout=INT),
    hostname=STRING,
    image=STRING,
    interactive=BOOL,
    links=_list(STRING),
    linuxParameters=_object(
        capabilities=_object(add=_list(STRING), drop=_list(STRING)),
        devices=_list(_object(containerPath=STRING, hostPath=STRING, permissions=_list(ENUM))),
        initProcessEnabled=BOOL,
        maxSwap=INT,
        sharedMemorySize=INT,
        swappiness=INT,
        tmpfs=_list(_object(containerPath=STRING, mountOptions=_list(STRING), size=INT_ALWAYS)),
    ),
    logConfiguration=_object(logDriver=ENUM, options=STRING_MAP, secretOptions=_list(SECRET)),
    memory=INT,
    memoryReservation=INT,
    mountPoints=_list(_object(containerPath=STRING, readOnly=BOOL, sourceVolume=STRING)),
    name=STRING,
    portMappings=_list(
        _object(
            appProtocol=ENUM, containerPort=INT, containerPortRange=STRING, hostPort=INT, name=STRING, protocol=ENUM
        )
    ),
    privileged=BOOL,
    pseudoTerminal=BOOL,
    readonlyRootFilesystem=BOOL,
    repositoryCredentials=_object(credentialsParameter=STRING),
    resourceRequirements=_list(_object(type=ENUM, value=STRING)),
    restartPolicy=_object(enabled=BOOL, ignoredExitCodes=_list(INT), restartAttemptPeriod=INT),
    secrets=_list(SECRET),
    startTimeout=INT,
    stopTimeout=INT,
    systemControls=_list(_object(namespace=STRING, value=STRING)),
    ulimits=_list(_object(hardLimit=INT_ALWAYS, name=ENUM, softLimit=INT_ALWAYS)),
    user=STRING,
    versionConsistency=ENUM,
    volumesFrom=_list(_object(readOnly=BOOL, sourceContainer=STRING)),
    workingDirectory=STRING,
)
# Lists whose zero-valued elements the provider removes (compactArrays).
COMPACTED = frozenset(
    {
        "dependsOn",
        "environment",
        "environmentFiles",
        "extraHosts",
        "mountPoints",
        "portMappings",
        "resourceRequirements",
        "secrets",
        "systemControls",
        "ulimits",
        "volumesFrom",
    }
)
SORTED_BY_NAME = ("environment", "secrets")


class InvalidDefinitions(Exception):
    """The JSON does not decode into container definitions: the plan would fail."""


def normalise(tree: Val) -> Val:
    """The planned form of a container-definitions tree. Raises InvalidDefinitions."""
    if not tree.known:
        return tree
    if not isinstance(tree.value, list):
        raise InvalidDefinitions("container_definitions must be a JSON array of container definitions")
    containers = []
    for index, element in enumerate(tree.value):
        decoded, zero = _decode(element, CONTAINER, f"[{index}]")
        if zero:
            raise InvalidDefinitions(f"invalid container definition supplied at index ({index})")
        if decoded is not None and decoded.known:
            for field in SORTED_BY_NAME:
                entries = decoded.value.get(field)
                if entries is not None and entries.known:
                    entries.value.sort(key=_name_key)
        containers.append(decoded)
    containers.sort(key=_name_key)
    return tree.copy(value=containers)


def _name_key(element: Val | None) -> str:
    if element is None or not element.known or not isinstance(element.value, dict):
        return ""
    name = element.value.get("name")
    return name.value if name is not None and name.known and isinstance(name.value, str) else ""


def _decode(value: Val, kind, where: str) -> tuple[Val | None, bool]:
    """(the value as the SDK serializer writes it, or None when left out;
    whether the Go field is zero)."""
    if not value.known:
        return value, False
    data = value.value
    if data is None:
        return None, True
    if kind in (STRING, ENUM):
        if not isinstance(data, str):
            raise InvalidDefinitions(f"{where}: expected a string")
        if kind == ENUM and data == "":
            return None, True
        return value, False
    if kind in (INT, INT_OMIT_ZERO, INT_ALWAYS):
        if isinstance(data, bool) or not isinstance(data, (int, float)) or not float(data).is_integer():
            raise InvalidDefinitions(f"{where}: expected a whole number")
        if kind == INT_OMIT_ZERO and data == 0:
            return None, True
        return value.copy(value=int(data)), kind == INT_ALWAYS and data == 0
    if kind == BOOL:
        if not isinstance(data, bool):
            raise InvalidDefinitions(f"{where}: expected true or false")
        return value, False
    if kind == STRING_MAP:
        if not isinstance(data, dict):
            raise InvalidDefinitions(f"{where}: expected an object of strings")
        for key, item in data.items():
            if item.known and item.value is not None and not isinstance(item.value, str):
                raise InvalidDefinitions(f"{where}.{key}: expected a string")
        return value, False
    if kind[0] == "list":
        if not isinstance(data, list):
            raise InvalidDefinitions(f"{where}: expected a JSON array")
        items = []
        for index, item in enumerate(data):
            decoded, zero = _decode(item, kind[1], f"{where}[{index}]")
            if zero and where.rsplit(".", 1)[-1] in COMPACTED and isinstance(kind[1], tuple):
                continue
            items.append(decoded if decoded is not None else _zero_of(item, kind[1]))
        return value.copy(value=items, is_set=False), False
    return _decode_object(value, kind[1], where)


def _decode_object(value: Val, fields: dict, where: str) -> tuple[Val | None, bool]:
    if not isinstance(value.value, dict):
        raise InvalidDefinitions(f"{where}: expected a JSON object")
    chosen = struct_fields(value.value, fields)
    result: dict[str, Val] = {}
    zero = True
    for name, item in chosen.items():
        decoded, item_zero = _decode(item, fields[name], f"{where}.{name}")
        zero = zero and item_zero
        if decoded is not None:
            result[name] = decoded
    for name, kind in fields.items():
        if kind == INT_ALWAYS and name not in result:
            result[name] = Val(0, value.file, value.line)
    return value.copy(value=result), zero


def _zero_of(item: Val, kind) -> Val:
    """A null element inside a list decodes to the element type's zero."""
    if isinstance(kind, tuple) and kind[0] == "object":
        return item.copy(value={})
    return item.copy(value={STRING: "", ENUM: "", BOOL: False}.get(kind, 0))
