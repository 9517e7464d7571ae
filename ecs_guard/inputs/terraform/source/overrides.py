"""Override files (override.tf, *_override.tf, and their .tf.json forms)
merged over a module's primary files, by Terraform's rules
(https://developer.hashicorp.com/terraform/language/files/override):

- a top-level block merges into the primary block with the same type and
  labels (locals: each value by name; terraform: by block);
- its arguments replace the primary's arguments of the same name;
- its nested blocks of a type replace every primary nested block of that
  type (a ``dynamic "x"`` block counts as type x), contents not merged,
  except ``lifecycle``, merged argument by argument;
- override files apply in lexical order, each over the result so far.

What an override brings keeps its own file (Attribute.file / Block.file),
so a finding on an overridden argument points into the override file.
A block with nothing to override is reported (Terraform rejects it) and
left out.
"""

from __future__ import annotations

from dataclasses import replace

from ecs_guard.inputs.problems import InputProblem
from ecs_guard.inputs.terraform.hcl.parse import ParsedFile
from ecs_guard.inputs.terraform.hcl.syntax import Attribute, Block, Body

MERGED_BY_ARGUMENT = frozenset({"lifecycle"})


def is_override_file(name: str) -> bool:
    stem = name.removesuffix(".json").removesuffix(".tf")
    return stem == "override" or stem.endswith("_override")


def merge_overrides(primaries: list[ParsedFile], overrides: list[ParsedFile]) -> list[InputProblem]:
    """Merge each override file, in order, into `primaries` (their bodies are
    replaced by merged ones). Returns the problems met."""
    problems: list[InputProblem] = []
    for override in overrides:
        for block in override.body.blocks:
            if block.type == "locals":
                for attribute in block.body.attributes:
                    if not _override_local(primaries, _own(attribute, override.path)):
                        problems.append(
                            _nothing_to_override(override.path, attribute.line, f'local "{attribute.name}"')
                        )
                continue
            if not _override_block(primaries, _own(block, override.path)):
                what = " ".join([block.type, *(f'"{label}"' for label in block.labels)])
                problems.append(_nothing_to_override(override.path, block.line, what))
    return problems


def _nothing_to_override(file: str, line: int, what: str) -> InputProblem:
    return InputProblem(
        file, f"{what} overrides nothing: no primary file declares it (Terraform rejects this)", line, "not-understood"
    )


def _own(node, file: str):
    """`node` marked as written in `file` (nested nodes take the mark from it)."""
    return replace(node, file=node.file or file)


def _override_local(primaries: list[ParsedFile], attribute: Attribute) -> bool:
    for parsed in primaries:
        blocks = list(parsed.body.blocks)
        for position, block in enumerate(blocks):
            if block.type == "locals" and block.body.attribute(attribute.name) is not None:
                attributes = tuple(attribute if a.name == attribute.name else a for a in block.body.attributes)
                blocks[position] = replace(block, body=replace(block.body, attributes=attributes))
                parsed.body = replace(parsed.body, blocks=tuple(blocks))
                return True
    return False


def _override_block(primaries: list[ParsedFile], override: Block) -> bool:
    for parsed in primaries:
        blocks = list(parsed.body.blocks)
        for position, block in enumerate(blocks):
            if block.type == override.type and block.labels == override.labels:
                merged = replace(block, body=merge_bodies(block.body, override.body, override.file))
                blocks[position] = merged
                parsed.body = replace(parsed.body, blocks=tuple(blocks))
                return True
    return False


def merge_bodies(base: Body, override: Body, file: str) -> Body:
    """`override`'s arguments over `base`'s; its nested blocks replace those of their type."""
    replaced = {attribute.name for attribute in override.attributes}
    attributes = [a for a in base.attributes if a.name not in replaced]
    attributes += [_own(attribute, file) for attribute in override.attributes]
    override_types = {_block_type(block) for block in override.blocks}
    blocks = [b for b in base.blocks if _block_type(b) not in override_types or b.type in MERGED_BY_ARGUMENT]
    for block in override.blocks:
        if block.type in MERGED_BY_ARGUMENT:
            position = next((i for i, b in enumerate(blocks) if b.type == block.type), None)
            if position is not None:
                blocks[position] = replace(blocks[position], body=merge_bodies(blocks[position].body, block.body, file))
                continue
        blocks.append(_own(block, file))
    return Body(tuple(attributes), tuple(blocks))


def _block_type(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type
