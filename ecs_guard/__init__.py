"""ecs-guard: one catalogue of compliance rules for ECS and Fargate, on code and on live accounts."""

__version__ = "0.1.0"
