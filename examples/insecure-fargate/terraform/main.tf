# The same Fargate web service as examples/secure-fargate, written the way it
# often is on a deadline. `ecs-guard scan examples/insecure-fargate` reports
# what is wrong with it; the secure twin shows each fix.

locals {
  name   = "orders"
  region = "ap-northeast-2"
}

resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.20.100.0/24"
  availability_zone       = "ap-northeast-2a"
  map_public_ip_on_launch = true
}

resource "aws_security_group" "orders" {
  name   = "orders"
  vpc_id = aws_vpc.main.id
}

resource "aws_ecs_cluster" "main" {
  name = "prod"

  setting {
    name  = "containerInsights"
    value = "disabled"
  }
}

data "aws_iam_policy_document" "assume_ecs_tasks" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# One role for everything, and it can do anything.
resource "aws_iam_role" "orders" {
  name               = "orders"
  assume_role_policy = data.aws_iam_policy_document.assume_ecs_tasks.json
}

resource "aws_iam_role_policy" "orders_everything" {
  name = "everything"
  role = aws_iam_role.orders.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["logs:*", "ecr:*", "s3:*"], Resource = "*" },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "orders_admin" {
  role       = aws_iam_role.orders.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_ecs_task_definition" "orders" {
  family                   = "orders"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "512"
  memory                   = "8192"
  execution_role_arn       = aws_iam_role.orders.arn
  task_role_arn            = aws_iam_role.orders.arn

  container_definitions = jsonencode([
    {
      name         = "orders"
      image        = "123456789012.dkr.ecr.ap-northeast-2.amazonaws.com/orders:latest"
      essential    = true
      portMappings = [{ containerPort = 8080, protocol = "tcp" }]
      environment = [
        { name = "PORT", value = "8080" },
        { name = "DB_PASSWORD", value = "Sup3r-S3cret-Passw0rd!" },
        { name = "STRIPE_KEY", value = "sk_live_4eC39HqLyjWDarjtT1zdp7dcEXAMPLE" },
      ]
    }
  ])
}

resource "aws_lb_target_group" "orders" {
  name        = "orders"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id

  health_check {
    enabled = false
  }
}

resource "aws_ecs_service" "orders" {
  name                   = "orders"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.orders.arn
  desired_count          = 1
  launch_type            = "FARGATE"
  platform_version       = "1.3.0"
  enable_execute_command = true

  network_configuration {
    subnets          = [aws_subnet.public.id]
    security_groups  = [aws_security_group.orders.id]
    assign_public_ip = true
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.orders.arn
    container_name   = "orders"
    container_port   = 8080
  }
}
