"""EG201 image-latest-tag."""

from __future__ import annotations

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._image import parse_image, tail_is_latest


@rule(id="EG201", name="image-latest-tag", severity=Severity.HIGH, target=Container, peers={})
def image_latest_tag(c: Container):
    """## What it does
    Flags a container image tagged `latest`, or with neither a tag nor a
    digest (which pulls `latest`).

    ## Why is this bad?
    `latest` is whatever was pushed last. Two tasks of the same revision can
    run different code, a scale-out or a host replacement silently deploys
    an untested image, and a rollback to "the previous task definition"
    rolls back nothing. It also makes it impossible to say which image a
    vulnerability report or an incident applies to. A registry port
    (`registry.local:5000/web`) is not a tag; a digest
    (`web:latest@sha256:...`) pins the image whatever its tag says, so that
    is not flagged.

    The tag is judged whenever the end of the reference is known, even if
    the registry part is not: `"${aws_ecr_repository.app.repository_url}:latest"`
    is flagged; `"${var.repo}:${var.tag}"` with a tag not known until apply
    is not evaluated. In a Terraform plan the whole `container_definitions`
    string is unknown as soon as any part of it is, and the plan's
    configuration shows only the references of that expression, not its
    text: the same image is not evaluated there (scan the Terraform source,
    or the plan with `--source`, to judge it).

    ## Example
    ```hcl
    container_definitions = jsonencode([{
      name  = "web"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest"
    }])
    ```

    ```json
    {"name": "web", "image": "nginx"}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"}
    ```
    Tag every build with an immutable version (a release number or the
    commit SHA), turn on ECR tag immutability, or pin the digest.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
    - https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
    """
    image = c.image
    if not image.known:
        latest = tail_is_latest(image.tail) if image.tail else None
        if latest:
            yield image.finding(f"image ending in '{image.tail}' runs whatever 'latest' points to")
        elif latest is None:
            yield image.not_evaluated()
    elif image.value and parse_image(image.value).is_latest:
        yield image.finding(f"image '{image.value}' runs whatever 'latest' points to")
