"""The typed model of an ECS estate that every rule is written against.

Adapters (ecs_guard.inputs.*) turn each input kind into this model and
resolve the links between resources once (task definition -> roles ->
policies, service -> subnets -> AZs, ...), so rules never see parser shapes
and never look anything up.

Every fact is a ``Value``: the value itself, whether it is known, and where
it came from. Three states matter and rules must keep them apart:

- known and set:      ``Value("host", loc)``
- known and absent:   ``Value(None, loc)`` (the attribute is not written;
                      the location is the owner's, so "missing X" findings
                      point at the resource or container)
- not known:          ``Value.unknown("unknown until apply", loc)``; a rule
                      that depends on it yields NotEvaluated, never a pass.

Model objects are slotted dataclasses, not frozen ones: a large estate has
tens of thousands of them, and a frozen dataclass costs twice as much to
create (and to import). Treat them as immutable all the same: adapters
build them whole and nothing assigns to them afterwards.

Defaults that AWS applies (essential=true, REPLICA, the ECS deployment
controller) are the rules' business, not the adapters': an absent value
stays None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ecs_guard.location import Location
from ecs_guard.results import Finding, NotEvaluated, Severity

if TYPE_CHECKING:
    from ecs_guard.inputs.problems import InputProblem

T = TypeVar("T")


class Value(Generic[T]):
    """One fact: its value, whether it is known, where it came from.

    A plain slotted class rather than a frozen dataclass: adapters make one
    for every attribute they read (over 100,000 for a large snapshot), and a
    frozen dataclass costs four times as much to create. Treat it as
    immutable all the same: nothing in ecs-guard assigns to a Value.

    Most values are known, written literally and whole: ``Value(value,
    location)`` stores only those two, and its other fields are the class's
    defaults below (two fields instead of six are a third less time and
    memory for the 100,000s). A value that is not known, not literal or
    known only by its tail is made by ``Value.unknown`` or
    ``Value.qualified``: a QualifiedValue, which stores them too.
    """

    __slots__ = ("location", "value")
    known = True
    reason = ""  # why the value is not known
    literal = True  # False when written as a reference/expression (var.x, Ref, ${...})
    # For a string not known as a whole, its known end: ":latest" of
    # "${aws_ecr_repository.app.repository_url}:latest" (HCL) or of
    # !Sub "${Repo}:latest"; None when its end is not known either.
    tail: str | None = None

    def __init__(self, value: T | None, location: Location):
        self.value = value
        self.location = location

    @classmethod
    def qualified(
        cls,
        value: T | None,
        location: Location,
        known: bool = True,
        reason: str = "",
        literal: bool = True,
        tail: str | None = None,
    ) -> Value[T]:
        """A Value with these qualities: a plain one when they are the defaults."""
        if known is True and literal is True and tail is None and not reason:
            return Value(value, location)
        return QualifiedValue(value, location, known, reason, literal, tail)

    @classmethod
    def unknown(cls, reason: str, location: Location, tail: str | None = None) -> Value:
        return QualifiedValue(None, location, False, reason, True, tail)

    @property
    def is_set(self) -> bool:
        """Known and not absent."""
        return self.known and self.value is not None

    def finding(self, message: str, container: str | None = None, severity: Severity | None = None) -> Finding:
        return Finding(message, self.location, container, severity)

    def not_evaluated(self, reason: str | None = None, container: str | None = None) -> NotEvaluated:
        return NotEvaluated(reason or self.reason or "value not known", self.location, container)

    def _key(self) -> tuple:
        return (self.value, self.location, self.known, self.reason, self.literal, self.tail)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # values may be lists and dicts: unhashable on purpose

    def __repr__(self) -> str:
        state = "" if self.known else f", known=False, reason={self.reason!r}"
        if self.tail is not None:
            state += f", tail={self.tail!r}"
        literal = "" if self.literal else ", literal=False"
        return f"Value({self.value!r}, {self.location!r}{state}{literal})"


class QualifiedValue(Value[T]):
    """A Value that is not known, not written literally, or known only by its
    tail: it stores those fields too (made by Value.unknown and Value.qualified)."""

    __slots__ = ("known", "literal", "reason", "tail")

    def __init__(self, value: T | None, location: Location, known: bool, reason: str, literal: bool, tail: str | None):
        self.value = value
        self.location = location
        self.known = known
        self.reason = reason
        self.literal = literal
        self.tail = tail


@dataclass(slots=True)
class Resource:
    """Base of every model object: its logical name and where it is defined.

    ``root``: the Terraform root folder the resource was reached through,
    when it is part of its identity (a module resource written outside that
    root's folder; the address then starts with it, "envs/prod: module.app.
    aws_ecs_service.this"); else "". See ecs_guard.inputs.terraform.root_identity.
    """

    address: str
    location: Location
    root: str = field(default="", kw_only=True)

    def finding(self, message: str, container: str | None = None, severity: Severity | None = None) -> Finding:
        return Finding(message, self.location, container, severity)

    def not_evaluated(self, reason: str, container: str | None = None) -> NotEvaluated:
        return NotEvaluated(reason, self.location, container)


# ----------------------------------------------------------------- IAM


@dataclass(slots=True)
class Statement(Resource):
    """One statement of an identity policy. ``actions`` is the Action list
    (empty when the statement uses NotAction); ``not_actions`` is None when
    the statement has no NotAction."""

    effect: Value[str]
    actions: Value[tuple[str, ...]]
    not_actions: Value[tuple[str, ...] | None]


@dataclass(slots=True)
class Policy(Resource):
    """An inline or attached policy. ``statements`` is not known when the
    document is not in the input (a customer policy defined elsewhere, an
    AWS managed policy whose versions were not captured, unknown until
    apply). ``aws_managed`` marks arn:aws:iam::aws:policy/... ARNs, which
    rules may judge by ARN alone."""

    name: Value[str]
    arn: Value[str | None]
    statements: Value[tuple[Statement, ...]]
    aws_managed: bool = False


@dataclass(slots=True)
class Role(Resource):
    """An IAM role with every policy that applies to it, inline and attached.
    ``policies`` is not known when the input has the role but not the list
    of its policies (a bare `get-role`)."""

    name: Value[str]
    arn: Value[str | None]
    policies: Value[tuple[Policy, ...]]


# ----------------------------------------------------------------- task definitions


@dataclass(slots=True)
class EnvVar(Resource):
    """An `environment` entry. ``value.literal`` is False when the value is a
    reference (HCL var.x, CloudFormation Ref); EG501 exempts those."""

    name: Value[str]
    value: Value[str]
    # A CloudFormation {{resolve:secretsmanager:...}}: the deployed task definition holds the secret itself.
    resolved_secret: bool = False


@dataclass(slots=True)
class Container(Resource):
    """A container definition. ``address`` is the task definition's address,
    so findings on a container belong to its task definition."""

    name: Value[str]
    image: Value[str | None]
    essential: Value[bool | None]
    user: Value[str | None]
    privileged: Value[bool | None]
    readonly_root_filesystem: Value[bool | None]
    log_driver: Value[str | None]  # None: no logConfiguration
    health_check: Value[bool]  # a healthCheck with a command is defined
    environment: Value[tuple[EnvVar, ...]]
    os_family: Value[str | None]  # the task definition's runtimePlatform.operatingSystemFamily


@dataclass(slots=True)
class Volume(Resource):
    """A task definition volume (an EFS one carries its transit encryption setting)."""

    name: Value[str | None]
    efs: bool  # has an EFS volume configuration
    transit_encryption: Value[str | None]  # ENABLED / DISABLED / None (not written)


@dataclass(slots=True)
class TaskDefinition(Resource):
    """A task definition: its containers, sizes, network mode and roles (resolved where the input has them)."""

    family: Value[str | None]
    network_mode: Value[str | None]
    requires_compatibilities: Value[tuple[str, ...]]
    cpu: Value[str | None]
    memory: Value[str | None]
    pid_mode: Value[str | None]
    os_family: Value[str | None]
    containers: Value[tuple[Container, ...]]
    volumes: Value[tuple[Volume, ...]]
    # The role as written (ARN, or the Terraform address of the role when the
    # ARN is unknown until apply); None when the task definition sets no role.
    # Two task definitions' refs are equal exactly when they name the same role.
    execution_role_ref: Value[str | None]
    task_role_ref: Value[str | None]
    # The resolved role: known None when no role is set, not known (with a
    # reason) when the role is referenced but not defined in the input.
    execution_role: Value[Role | None]
    task_role: Value[Role | None]


# ----------------------------------------------------------------- clusters and services


@dataclass(slots=True)
class Cluster(Resource):
    """An ECS cluster and the settings rules read (Container Insights, ECS Exec logging)."""

    name: Value[str | None]
    container_insights: Value[str | None]  # enabled / enhanced / disabled / None (not set)
    exec_logging: Value[str | None]  # NONE / DEFAULT / OVERRIDE / None (no exec configuration)


@dataclass(slots=True)
class Subnet(Resource):
    """A subnet a service places tasks in, with its availability zone."""

    subnet_id: Value[str | None]
    availability_zone: Value[str | None]  # not known when the subnet is not in the input


@dataclass(slots=True)
class TargetGroup(Resource):
    """A load balancer target of a service. A classic ELB is modelled as a
    target group whose health checking is always enabled (ELB cannot turn it off)."""

    arn: Value[str | None]
    health_check_enabled: Value[bool | None]


@dataclass(slots=True)
class ScalingPolicy(Resource):
    """An Application Auto Scaling policy of a scalable target."""

    name: Value[str | None]


@dataclass(slots=True)
class ScheduledAction(Resource):
    """An Application Auto Scaling scheduled action of a scalable target."""

    name: Value[str | None]


@dataclass(slots=True)
class ScalableTarget(Resource):
    """A service's desired count registered with Application Auto Scaling, with its bounds, policies and actions."""

    resource_id: Value[str | None]
    min_capacity: Value[int | None]
    max_capacity: Value[int | None]
    # not known when the input has the target but not its policies or actions
    # (a snapshot without describe-scaling-policies)
    policies: Value[tuple[ScalingPolicy, ...]]
    scheduled_actions: Value[tuple[ScheduledAction, ...]]


@dataclass(slots=True)
class Service(Resource):
    """An ECS service, linked to its cluster, task definition, subnets, target groups and scaling."""

    name: Value[str | None]
    cluster: Value[Cluster | None]  # None: the default cluster, not in the input
    task_definition: Value[TaskDefinition | None]
    launch_type: Value[str | None]
    capacity_providers: Value[tuple[str, ...]]  # capacity provider strategy, in order
    platform_version: Value[str | None]
    scheduling_strategy: Value[str | None]  # REPLICA / DAEMON / None (REPLICA by default)
    desired_count: Value[int | None]
    assign_public_ip: Value[bool | None]  # None: no awsvpc network configuration
    # None: no awsvpc network configuration. Not known when the list's length is not known
    # (data.aws_subnets.x.ids, a splat over an unknown count): never taken as one subnet.
    subnets: Value[tuple[Subnet, ...] | None]
    target_groups: Value[tuple[TargetGroup, ...]]  # load balancers attached to the service
    deployment_controller: Value[str | None]  # ECS / CODE_DEPLOY / EXTERNAL / None (ECS)
    circuit_breaker_enabled: Value[bool | None]
    circuit_breaker_rollback: Value[bool | None]
    enable_execute_command: Value[bool | None]
    scalable_target: Value[ScalableTarget | None]  # None: no ecs:service:DesiredCount target


@dataclass(slots=True)
class TaskSet(Resource):
    """A task set of a service on the EXTERNAL (or CODE_DEPLOY) deployment controller."""

    service: Value[str | None]  # the owning service's address or ARN
    task_definition: Value[TaskDefinition | None]
    launch_type: Value[str | None]
    capacity_providers: Value[tuple[str, ...]]
    platform_version: Value[str | None]
    assign_public_ip: Value[bool | None]


# ----------------------------------------------------------------- the whole input


@dataclass
class Inventory:
    """Everything the adapters found, already linked together."""

    clusters: list[Cluster] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    task_sets: list[TaskSet] = field(default_factory=list)
    task_definitions: list[TaskDefinition] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)
    scalable_targets: list[ScalableTarget] = field(default_factory=list)
    subnets: list[Subnet] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # inputs that were scanned
    problems: list[InputProblem] = field(default_factory=list)
    # Texts Terraform marks sensitive (sensitive(), sensitive = true): masked in every report (ecs_guard.sensitive)
    sensitive: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # folders (ending in '/') and files a walk left out
    # Suppressions an input writes outside comments (a CloudFormation resource's Metadata): suppress.Comment
    suppressions: list[Any] = field(default_factory=list)
    # Inputs whose resources depend on conditions not known (a template's Fn::If): modelled once per way
    # the conditions can go, and judged by the engine only where every way gives the same verdict
    alternatives: list[Alternatives] = field(default_factory=list)

    def every_branch(self) -> list[Inventory]:
        """This inventory and every alternative of its inputs: all the model
        objects there are, for a reader that is not judging them (which
        resources exist, which texts to mask)."""
        return [self] + [branch.inventory for group in self.alternatives for branch in group.branches]

    def extend(self, other: Inventory) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))


@dataclass
class Branch:
    """One way an input's undecided conditions can go, and the model it gives."""

    assumed: dict[str, bool]  # condition name -> assumed value
    inventory: Inventory


@dataclass
class Alternatives:
    """The resources of one input (a CloudFormation template) under every
    way its undecided conditions can go. `reasons` says why each condition
    is not known (names a parameter or a function, never a value)."""

    reasons: dict[str, str]
    branches: list[Branch]
