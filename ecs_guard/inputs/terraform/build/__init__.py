"""Records -> model, shared by every resource-shaped input (plans, Terraform
source, CloudFormation): one linker, one set of builders, one answer.

A record answers "what is this attribute?" for one resource (records.py),
whatever it was read from; index.py holds the records by address and kind
and resolves an attribute's references (links.py) to other records; ecs.py,
iam.py, network.py and scaling.py build the model objects, and model.py
puts the estate together.
"""
