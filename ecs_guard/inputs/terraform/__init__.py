"""Terraform: plans (`terraform show -json`) and source (HCL), read into the
same records and built into the model by the same builders, which is why a
plan and its source give the same findings.

  inputs.py   the Terraform side of one scan: root modules found by the walk,
              and the source of each plan (roots.py decides which folders are
              roots and which root a plan belongs to); options.py: --var-file
              and --source
  build/      records -> model: the linker and builders shared by plans, HCL
              and (later) CloudFormation records. The interface the other
              subpackages use: records.Record, index, links, model.build_inventory
  plan/       the plan adapter: the plan's text streamed (stream.py), its
              resources as records, reported at the source's lines when the
              source is known (source.py)
  source/     Terraform semantics over HCL: root and child modules, variables,
              count/for_each, module calls and outputs, resources as records
              located in their .tf files (adapter.py is the entry point)
  hcl/        the HCL language: parsing (python-hcl2, shipped parser tables,
              a content cache), our syntax tree, the partial evaluator and
              Terraform's functions. Knows nothing of modules or the model
  provider/   what the AWS provider does to values: its schema, container
              definitions and policy documents as it plans them
"""
