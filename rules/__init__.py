"""The built-in rule pack: one module per rule (egNNN_name.py), imported by
ecs_guard.rule.all_rules(). Installed as the package ``ecs_guard.rules``."""
