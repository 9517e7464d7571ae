"""Terraform's built-in functions, on Vals: the registry (registry.py) and
the functions, registered when this package is imported."""

from ecs_guard.inputs.terraform.hcl.functions import collection_functions, json_functions, text_functions  # noqa: F401
from ecs_guard.inputs.terraform.hcl.functions.registry import FunctionError, call_function

__all__ = ["FunctionError", "call_function"]
