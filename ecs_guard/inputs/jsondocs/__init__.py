"""JSON inputs, shared by every JSON-ish input kind.

  files.py  one .json file read once, recognised by its content (a plan from
            its first bytes, never parsed here), handed on by kind
  lines.py  lines of values inside a JSON text, found by their path on
            demand (a report asks for a line only for what it shows)
  ecs.py    ECS's own camelCase shapes (container definitions, volumes,
            task definitions) turned into model objects: task definition
            files, snapshots, plans and Terraform source all read container
            definitions through it, so a container field is read in one place

Not named ``json``: a subpackage of that name would shadow the standard
library's json module inside ecs_guard.inputs.
"""
