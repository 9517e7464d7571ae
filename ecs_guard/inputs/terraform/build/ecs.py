"""ECS resources in a plan: clusters, task definitions, services, task sets.

Snake_case attributes of the AWS provider 5.x (nested blocks are lists)
become model Values; a task definition's ``container_definitions`` JSON
string is read by jsondocs/ecs.py like every other input's container definitions.
Links go through PlanIndex (known ARN/name, else the configuration's
references): service -> cluster, task definition, subnets, target groups,
scalable target; task definition -> roles (plan_iam).
"""

from __future__ import annotations

from ecs_guard.inputs.jsondocs.ecs import as_text, containers
from ecs_guard.inputs.problems import InputError
from ecs_guard.inputs.terraform.build.iam import Iam
from ecs_guard.inputs.terraform.build.index import PlanIndex, parse_json
from ecs_guard.inputs.terraform.build.network import Network
from ecs_guard.inputs.terraform.build.records import PlanResource
from ecs_guard.inputs.terraform.build.scaling import Scaling
from ecs_guard.model import Cluster, Service, TaskDefinition, TaskSet, Value, Volume

_PLACEMENT = ("launch_type", "capacity_provider_strategy", "platform_version", "network_configuration")
ATTRIBUTES = {
    "aws_ecs_cluster": ("name", "arn", "setting", "configuration"),
    "aws_ecs_task_definition": (
        "family",
        "arn",
        "arn_without_revision",
        "network_mode",
        "requires_compatibilities",
        "cpu",
        "memory",
        "pid_mode",
        "runtime_platform",
        "container_definitions",
        "volume",
        "execution_role_arn",
        "task_role_arn",
    ),
    "aws_ecs_service": (
        "name",
        "id",
        "cluster",
        "task_definition",
        "scheduling_strategy",
        "desired_count",
        "load_balancer",
        "deployment_controller",
        "deployment_circuit_breaker",
        "enable_execute_command",
        *_PLACEMENT,
    ),
    "aws_ecs_task_set": ("service", "cluster", "task_definition", *_PLACEMENT),
}


class Ecs:
    def __init__(self, index: PlanIndex, iam: Iam, network: Network, scaling: Scaling):
        self.index, self.iam, self.network = index, iam, network
        self.task_definitions = index.build_each(index.of_kind("aws_ecs_task_definition"), self._task_definition)
        self._by_arn: dict[str, TaskDefinition] = {}
        self._by_family: dict[str, TaskDefinition] = {}
        for td in self.task_definitions.values():
            record = index.by_address[td.address]
            for key in ("arn", "arn_without_revision"):
                if isinstance(record.known(key), str):
                    self._by_arn[record.known(key)] = td
            if td.family.is_set:
                assert td.family.value is not None  # is_set
                self._by_family.setdefault(td.family.value, td)
        self.clusters = index.build_each(index.of_kind("aws_ecs_cluster"), _cluster)
        self._cluster_by_name = {c.name.value: c for c in self.clusters.values() if c.name.is_set}
        self._cluster_by_arn = {}
        for cluster in self.clusters.values():
            arn = index.by_address[cluster.address].known("arn")
            if isinstance(arn, str):
                self._cluster_by_arn[arn] = cluster
        service_records = index.of_kind("aws_ecs_service")
        clusters = index.build_each(service_records, self._cluster_of)
        service_records = [r for r in service_records if r.address in clusters]
        scalable = scaling.link([(r, _cluster_name(r, clusters[r.address])) for r in service_records])
        self.services = index.build_each(
            service_records, lambda r: self._service(r, clusters[r.address], scalable[r.address])
        )
        service_addresses = {s.address: s.address for s in self.services.values()}
        self.task_sets = index.build_each(
            index.of_kind("aws_ecs_task_set"), lambda r: self._task_set(r, service_addresses)
        )

    # ----------------------------------------------------------------- task definitions

    def _task_definition(self, record: PlanResource) -> TaskDefinition:
        where = record.location
        os_family = record.get("runtime_platform", 0, "operating_system_family")
        execution_ref, execution_role = self.iam.role_for(record, "execution_role_arn")
        task_ref, task_role = self.iam.role_for(record, "task_role_arn")
        return TaskDefinition(
            address=record.address,
            location=where,
            family=record.get("family"),
            network_mode=record.get("network_mode"),
            requires_compatibilities=_as_tuple(record.get("requires_compatibilities")),
            cpu=as_text(record.get("cpu")),
            memory=as_text(record.get("memory")),
            pid_mode=record.get("pid_mode"),
            os_family=os_family,
            containers=_containers(record, os_family),
            volumes=_volumes(record),
            execution_role_ref=execution_ref,
            task_role_ref=task_ref,
            execution_role=execution_role,
            task_role=task_role,
        )

    def _find_task_definition(self, text: str) -> TaskDefinition | None:
        """By ARN, else by family (``family``, ``family:3``, or an ARN of a
        revision the plan does not know yet)."""
        if text in self._by_arn:
            return self._by_arn[text]
        family = text.rsplit("task-definition/", 1)[-1].split(":", 1)[0]
        return self._by_family.get(family)

    # ----------------------------------------------------------------- clusters and services

    def _cluster_of(self, record: PlanResource) -> Value:
        return self.index.link_one(
            record,
            ("cluster",),
            self._find_cluster,
            self.clusters,
            lambda name: f"cluster {name} is not in {self.index.holder}",
        )[1]

    def _find_cluster(self, text: str) -> Cluster | None:
        return self._cluster_by_arn.get(text) or self._cluster_by_name.get(text.rsplit("cluster/", 1)[-1])

    def _service(self, record: PlanResource, cluster: Value, scalable_target: Value) -> Service:
        where = record.location
        return Service(
            address=record.address,
            location=where,
            name=record.get("name"),
            cluster=cluster,
            task_definition=self._task_definition_of(record),
            launch_type=record.get("launch_type"),
            capacity_providers=_capacity_providers(record),
            platform_version=record.get("platform_version"),
            scheduling_strategy=record.get("scheduling_strategy"),
            desired_count=record.get("desired_count"),
            assign_public_ip=_public_ip(record),
            subnets=self.network.subnets_of(record),
            target_groups=self.network.target_groups_of(record),
            deployment_controller=record.get("deployment_controller", 0, "type"),
            circuit_breaker_enabled=record.get("deployment_circuit_breaker", 0, "enable"),
            circuit_breaker_rollback=record.get("deployment_circuit_breaker", 0, "rollback"),
            enable_execute_command=record.get("enable_execute_command"),
            scalable_target=scalable_target,
        )

    def _task_definition_of(self, record: PlanResource) -> Value:
        return self.index.link_one(
            record,
            ("task_definition",),
            self._find_task_definition,
            self.task_definitions,
            lambda name: f"task definition {name} is not in {self.index.holder}",
        )[1]

    def _task_set(self, record: PlanResource, services: dict[str, str]) -> TaskSet:
        service, _ = self.index.link_one(
            record,
            ("service",),
            lambda text: text,
            services,
            lambda name: f"service {name} is not in {self.index.holder}",
        )
        return TaskSet(
            address=record.address,
            location=record.location,
            service=service,
            task_definition=self._task_definition_of(record),
            launch_type=record.get("launch_type"),
            capacity_providers=_capacity_providers(record),
            platform_version=record.get("platform_version"),
            assign_public_ip=_public_ip(record),
        )


def _cluster(record: PlanResource) -> Cluster:
    where = record.location
    settings = record.blocks("setting")
    insights = settings if not settings.known else record.absent
    for i, setting in enumerate(settings.value or ()):
        if setting.get("name") == "containerInsights":
            insights = record.get("setting", i, "value")
    configuration = record.blocks("configuration")
    if not configuration.known:
        logging = configuration
    else:
        logging = record.get("configuration", 0, "execute_command_configuration", 0, "logging")
    return Cluster(
        address=record.address,
        location=where,
        name=record.get("name"),
        container_insights=insights,
        exec_logging=logging,
    )


def _cluster_name(record: PlanResource, cluster: Value) -> str | None:
    """The name a scalable target's resource id uses for a service's cluster;
    None when it is unknown until apply."""
    if cluster.is_set:
        assert cluster.value is not None  # is_set
        return cluster.value.name.value if cluster.value.name.is_set else None
    if cluster.known:
        return "default"  # no cluster: the account's default cluster
    written = record.get("cluster")  # an ARN or name of a cluster outside the plan
    return written.value.rsplit("cluster/", 1)[-1] if written.is_set and written.value is not None else None


def _public_ip(record: PlanResource) -> Value:
    """assign_public_ip of the awsvpc network configuration; None without one."""
    network = record.blocks("network_configuration")
    if not network.known:
        return network
    if not network.value:
        return record.absent
    return record.get("network_configuration", 0, "assign_public_ip")


_DEFINITIONS = ("container_definitions",)


def _containers(record: PlanResource, os_family: Value) -> Value:
    """The containers of the definitions' JSON text; when the text is not
    known until apply, of what the source knows of it (the known parts of a
    jsonencode), if anything."""
    written = record.get(*_DEFINITIONS)
    if written.known:
        if written.value is None:
            return Value((), record.location)
        definitions = parse_json(written.value, "container_definitions")
    else:
        definitions = record.document(_DEFINITIONS)
        if definitions is None:
            return written
    try:
        return containers(
            definitions,
            record.address,
            os_family,
            lambda path: record.locate(_DEFINITIONS + path),
            lambda path: record.literal(_DEFINITIONS + path),
        )
    except InputError as error:
        raise InputError(f"container_definitions: {error.message}") from None


def _volumes(record: PlanResource) -> Value:
    blocks = record.blocks("volume")
    if not blocks.known:
        return blocks
    assert blocks.value is not None  # known blocks are a list
    volumes = []
    for i in range(len(blocks.value)):
        efs_path = ("volume", i, "efs_volume_configuration")
        efs = bool(record.raw(efs_path)) or record.is_unknown(efs_path)
        where = record.locate(("volume", i))
        transit = record.get(*efs_path, 0, "transit_encryption") if efs else record.absent
        if transit.known and not transit.value:  # not written (a plan says ""): missing at its own volume
            transit = Value(transit.value, where)
        volumes.append(
            Volume(
                address=record.address,
                location=where,
                name=record.get("volume", i, "name"),
                efs=efs,
                transit_encryption=transit,
            )
        )
    return Value(tuple(volumes), blocks.location)


def _capacity_providers(record: PlanResource) -> Value:
    blocks = record.blocks("capacity_provider_strategy")
    if not blocks.known:
        return blocks
    assert blocks.value is not None  # known blocks are a list
    names = [record.get("capacity_provider_strategy", i, "capacity_provider") for i in range(len(blocks.value))]
    unknown = next((n for n in names if not n.known), None)
    return unknown or Value(tuple(n.value for n in names), blocks.location)


def _as_tuple(value: Value) -> Value:
    if value.known:
        return Value(tuple(value.value or ()), value.location)
    return value
