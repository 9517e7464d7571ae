"""What the AWS provider does to the values it is given, emulated so that
Terraform source gives the values its plan would hold: the provider's schema
for the resource types ecs-guard links (schema.py over the generated
aws_schema.py), container definitions as the provider normalises them, IAM
policy documents as the provider computes them, and JSON string attributes
(json_attributes.py).
"""
