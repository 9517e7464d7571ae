"""The Terraform plan adapter: `terraform show -json` output -> the model.

adapter.py is the entry point (load_plan); stream.py reads the plan's
sections one resource entry at a time, so a 25 MB plan is never held as one
parsed object; source.py reports a plan at the lines of its Terraform source
when the source is known.
"""
