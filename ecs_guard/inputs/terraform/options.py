"""How Terraform inputs are read in one scan: var files and a plan's source
(``ecs-guard scan --var-file FILE --source DIR --no-cache``); ``load(paths, options)``
takes them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TerraformOptions:
    """How Terraform (and CloudFormation) inputs are read: the command line's var files, plan source, cache and parameters."""

    var_files: tuple[str, ...] = ()  # --var-file, in order: later files win
    source: str | None = None  # --source: the root module every plan of the scan was made from
    use_cache: bool = True  # False: --no-cache (hcl/cache.py; ECS_GUARD_NO_CACHE=1 turns it off too)
    cfn_parameters: str | None = None  # --cfn-parameters: values of CloudFormation template parameters
