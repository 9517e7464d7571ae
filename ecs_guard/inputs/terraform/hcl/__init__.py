"""The HCL language, as Terraform evaluates it at plan time, without
Terraform: parsing (parse.py over python-hcl2, with its parser tables
shipped (parser_tables.py) and parsed files cached by content (cache.py)),
our own syntax tree (syntax.py, templates.py), and a partial evaluator
(evaluate.py, scope.py, values.py, typeconv.py, and functions/) that says why
when a value cannot be known.

It knows nothing of Terraform modules, resources or the model: that is
inputs/terraform/source/.
"""
