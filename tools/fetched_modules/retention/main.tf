# A module fetched by a module that was itself fetched (module.api.module.archive).
variable "name" {
  type = string
}

variable "days" {
  type    = number
  default = 0
}

resource "aws_cloudwatch_log_group" "archive" {
  name              = "${var.name}-archive"
  retention_in_days = var.days
}

output "name" {
  value = aws_cloudwatch_log_group.archive.name
}
