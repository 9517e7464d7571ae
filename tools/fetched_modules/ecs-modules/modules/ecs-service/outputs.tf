output "execution_role_name" {
  value = aws_iam_role.execution.name
}

output "service_name" {
  value = aws_ecs_service.this.name
}

output "family" {
  value = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  value = aws_ecs_task_definition.this.arn
}
