variable "name" {
  type = string
}

variable "image" {
  type = string
}

variable "cluster_arn" {
  type = string
}

variable "cluster_name" {
  type = string
}

variable "assign_public_ip" {
  type    = bool
  default = false
}

variable "desired_count" {
  type    = number
  default = 2
}

variable "environment" {
  type    = map(string)
  default = {}
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-0aaaaaaaaaaaaaaaa"]
}

variable "privileged" {
  type    = bool
  default = false
}
