"""`ecs-guard audit`: read a running AWS account into AWS CLI-shaped files, then scan them.

The audit never judges anything itself. It reads (reader.py, with boto3,
read-only), writes what it read exactly as the AWS CLI would print it
(writer.py), and hands the folder to the snapshot input like any other
path. So one normaliser serves code and live accounts, and a saved audit
rescans offline to the same result.

This package is library code with no argument parsing (run.py is one
audit; ecs_guard.cli.audit is the command). Nothing here is imported on the
`ecs-guard scan` start-up path, and boto3 and rich only when an audit runs.
"""
