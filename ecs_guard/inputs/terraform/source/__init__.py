"""Terraform source (HCL), read directly: the values a plan of the same code would
hold, as far as the configuration alone decides them, with exact lines.

For a pre-commit hook (no plan, no provider, no network). The records are
shaped like a plan's, so the linking into the model (roles, subnets,
target groups, scaling) is shared with the plan adapter: adapter.py
reads them through records.py into the plan adapter's builders.

API
---
``load_root(directory, var_files=(), use_cache=True, modules=None) -> HclRoot``

    Evaluates the root module in `directory`: its .tf files,
    terraform.tfvars(.json), *.auto.tfvars(.json) in lexical order, then
    `var_files` in order (each overriding the previous; defaults lowest),
    and every local child module it calls (``source = "./modules/x"``),
    expanding count and for_each where they are known. ``modules``: a dict
    of parsed module directories to share between the roots of one scan.

``HclRoot``
    ``resources``: list[HclResource], one per resource instance (managed
    and data); ``problems``: list[model.InputProblem] (bad HCL: one line
    with file and line, the rest of the root still evaluated; remote module
    sources: "module "vpc" not scanned: its source ... is not a local path";
    arguments the provider rejects; for_each on a plain list; a module
    call whose count or for_each is not known ...);
    ``files`` (.tf files, var files, and ``read_files``: the files read by
    file() and templatefile());
    ``parse_seconds`` / ``parse_cached`` per .tf file;
    ``calls`` / ``outputs``: the references of module call arguments and of
    outputs by module path, as a plan's configuration lists them.

``HclResource`` (records.py)
    ``address``      full Terraform address: ``module.api["blue"].aws_ecs_service.this[0]``
    ``mode``, ``type``, ``name``, ``index`` (count index, for_each key or None),
    ``module`` ("" or ``module.api["blue"]``), ``file``, ``line``, ``end_line``
                     (the block; file is a display path)
    ``values``       dict like a plan's planned_values ``values``: snake_case
                     attributes, nested blocks as lists of dicts (one dict for
                     nesting "single"), converted to the schema's types
                     (``cpu = 256`` -> "256"), sets sorted; JSON attributes
                     (container_definitions, policies) as the provider plans
                     them (container definitions: unknown keys dropped, keys
                     matched case-insensitively, nulls and empty enums dropped,
                     zero elements compacted, containers/environment/secrets
                     sorted by name, keys sorted; policies: NormalizeJsonString
                     or LegacyPolicyNormalize). An attribute not known is left
                     out (a list element not known is null), like a plan.
                     Attributes the code does not set are absent.
    ``unknown``      {path: reason} for every value not known before apply,
                     e.g. ("execution_role_arn",): "aws_iam_role.exec.arn: known
                     after apply"; ("container_definitions", 0, "secrets", 0,
                     "valueFrom"): "aws_ssm_parameter.db.arn: known after apply";
                     "data.aws_ssm_parameter.x.value: read from AWS during plan";
                     "var.x: no value (...)"; "cidrsubnet(...): function
                     cidrsubnet() is not evaluated by ecs-guard".
    ``computed``     [path] attributes (and a few blocks) the code leaves out
                     and the provider computes: unknown in a plan.
    ``after_unknown()``  the plan's after_unknown built from both.
    ``references``   {path: ["aws_iam_role.x.arn", "aws_iam_role.x"]} per
                     attribute and nested-block attribute, spelled and ordered
                     as in a plan's configuration (module-relative).
    ``sources``      {path: ["module.api.aws_iam_role.this.arn"]}: the resource
                     attributes a value really derives from, with full
                     addresses, through variables, locals and module outputs.
    ``lines``        {path: (file, line)}: the block's attributes, nested blocks
                     and their attributes, and inside JSON attributes each
                     element and key (a container object, ``"privileged"``,
                     an environment entry) -- in the .tf file, the local, the
                     file() / templatefile() file or the policy document's
                     statement block it was written in.
                     ``location(path)`` -> model Location (nearest written
                     ancestor; the block's line for a missing attribute).
    ``non_literal``  {path} whose value came from a variable, a resource, a
                     data source or a module output (``value = var.db_password``
                     is a reference, not a literal secret); locals and
                     functions of literals stay literal. ``is_literal(path)``.
    ``documents``    {path: parsed JSON} for JSON attributes, in the planned
                     order (so document paths match ``values`` once decoded);
                     parts not known are ``values.Unknown(reason)``.
    ``expansion_unknown``  why count/for_each is not known (one record then
                     stands for every instance).

What the evaluator supports: literals, string templates and heredocs
(interpolation, %{if}/%{for}, strip markers), tuples, objects, for
expressions, conditionals, arithmetic/comparison/logic, splats, var/local/
module/data/resource/each/count/path/terraform references, and the
functions in functions_*.py (jsonencode, jsondecode, file, templatefile,
concat, merge, tolist, toset, tomap, lookup, format, join, split, lower,
upper, replace, try, can, coalesce, flatten, element, keys, values, zipmap,
length, min, max, ...). Anything else is not known, with the expression
as the reason; never a guess.

Nothing here imports hcl2 until a file is missing from the parse cache
(see library.py and cache.py).
"""
