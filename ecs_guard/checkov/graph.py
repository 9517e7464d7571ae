"""checkov's Terraform graph, read as plain vertices and labelled edges.

checkov's terraform (HCL) runner parses a folder into one graph: a vertex
per block (resource, data, variable, locals, module, output, tfvar...), each
with its rendered configuration, and an edge per reference, labelled with
the attribute that makes it (``execution_role_arn``,
``network_configuration.subnets.0``). The runner hands that graph to every
check it runs (``check.graph``, set by checkov's check registry before each
``scan_resource_conf``). This module reads it without depending on which
graph library checkov was told to use (rustworkx by default, networkx with
``CHECKOV_GRAPH_FRAMEWORK=NETWORKX``), and names its resources as Terraform
does (checkov leaves the ``data.`` out of a data source's address).

checkov internals relied on (checkov 3.x, tested with 3.3.30): the vertex
attributes ``block_type_``, ``__address__``, ``config_``, ``file_path_``,
``__start_line__``, ``__end_line__``, ``sensitive`` and ``default``, and the
edges' ``label``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ecs_guard.inputs.terraform.build.links import join, module_of

_ADDRESS_KEY = re.compile(r"\[([^\]]*)\]$")


@dataclass
class Vertex:
    index: int
    block_type: str  # "resource", "data", "variable", "locals", "module", "output", "tfvar", ...
    address: str  # module.api.aws_ecs_service.this["blue"]; a variable's module.api.name; a module's api
    attributes: dict[str, Any]
    edges: list[tuple[str, int]] = field(default_factory=list)  # (label, target vertex) of its references

    def config(self) -> dict[str, Any]:
        """The block's rendered configuration as checkov hands it to a check
        (``config_`` is {type: {name: conf}} for a resource, {name: conf} for
        the other blocks): every attribute value wrapped in a list."""
        node: Any = self.attributes.get("config_")
        depth = 2 if self.block_type in ("resource", "data") else 1
        for _ in range(depth):
            if not isinstance(node, dict) or len(node) != 1:
                return {}
            node = next(iter(node.values()))
        return node if isinstance(node, dict) else {}


def read_graph(graph: Any) -> list[Vertex]:
    """The vertices of checkov's graph (rustworkx or networkx), with their edges."""
    if hasattr(graph, "node_indices"):  # rustworkx.PyDiGraph: nodes are (index, attributes)
        nodes = [(index, graph[index][1]) for index in graph.node_indices()]
        edges = [(source, target, data) for source, target, data in graph.weighted_edge_list()]
    else:  # networkx.DiGraph
        nodes = list(graph.nodes(data=True))
        edges = list(graph.edges(data=True))
    vertices = {
        index: Vertex(index, str(attributes.get("block_type_", "")), str(attributes.get("__address__", "")), attributes)
        for index, attributes in nodes
        if isinstance(attributes, dict)
    }
    for source, target, data in edges:
        label = data.get("label") if isinstance(data, dict) else None
        if source in vertices and target in vertices and isinstance(label, str):
            vertices[source].edges.append((label, target))
    return list(vertices.values())


def type_of(vertex: Vertex) -> str:
    """The resource (or data source) type."""
    kind = str(vertex.attributes.get("resource_type") or split_address(vertex)[1].split(".")[-2])
    return kind.removeprefix("data.")  # checkov names a data source's type data.aws_...


def address_of(vertex: Vertex) -> str:
    """The vertex's address as Terraform writes it: checkov leaves out the
    ``data.`` of a data source (``aws_iam_policy_document.x``)."""
    address = vertex.address
    if vertex.block_type != "data":
        return address
    module = module_of(address)
    local = address[len(module) + 1 :] if module else address
    return address if local.startswith("data.") else join(module, f"data.{local}")


def kind_of(vertex: Vertex) -> str:
    """The kind ecs-guard's builders name a block by: aws_ecs_service, data.aws_iam_policy_document."""
    return f"data.{type_of(vertex)}" if vertex.block_type == "data" else type_of(vertex)


def split_address(vertex: Vertex) -> tuple[str, str, Any]:
    """(module instance, local address, instance key) of a resource vertex."""
    address = address_of(vertex)
    module = module_of(address)
    local = address[len(module) + 1 :] if module else address
    key = None
    match = _ADDRESS_KEY.search(local)
    if match:
        local = local[: match.start()]
        key = parse_key(match.group(1))
    return module, local, key


def parse_key(inner: str) -> Any:
    """'0' -> 0, '"blue"' or 'blue' (as checkov renders keys) -> 'blue', '*' or a reference -> None."""
    inner = inner.strip()
    if inner.isdigit():
        return int(inner)
    if len(inner) >= 2 and inner[0] == inner[-1] == '"':
        return re.sub(r"\\(.)", r"\1", inner[1:-1])
    if not inner or inner == "*" or "." in inner:
        return None
    return inner
