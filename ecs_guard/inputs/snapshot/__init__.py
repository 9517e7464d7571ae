"""AWS CLI snapshots: folders of `aws ... describe-*` output (and what
`ecs-guard audit` writes), resolved as one estate per command-line path.

  estate.py     load_estate: every snapshot and task definition file of one
                path, linked together (the entry point)
  shapes.py     which CLI output a parsed file is, by its shape
  records.py    one record of a file, and the guard that keeps one
                malformed record from stopping the rest
  links.py      how the files of an estate answer a question ("which
                subnets does this service use?"), or say why they cannot
  services.py, resources.py, iam.py   records -> model objects
"""
