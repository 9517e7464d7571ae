"""EG202 image-not-pinned-by-digest."""

from __future__ import annotations

from ecs_guard.model import Container
from ecs_guard.results import Severity
from ecs_guard.rule import rule
from ecs_guard.rules._image import parse_image, tail_is_pinned


@rule(id="EG202", name="image-not-pinned-by-digest", severity=Severity.INFO, target=Container, peers={}, enabled=False)
def image_not_pinned_by_digest(c: Container):
    """## What it does
    Flags a container image that is referenced by a tag but not pinned by an
    `@sha256:` digest. Off by default: select it with `--select EG202`.

    ## Why is this bad?
    A tag is a movable pointer, even a version tag: anyone who can push to
    the repository can point `web:1.4.2` at another image, and the next task
    that starts runs it. A digest names exactly one image, so what was
    reviewed and scanned is what runs. Many teams accept version tags with
    ECR tag immutability instead, which is why this rule is off by default.

    ## Example
    ```hcl
    container_definitions = jsonencode([{
      name  = "web"
      image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2"
    }])
    ```

    ```json
    {"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27"}
    ```

    ## Use instead
    ```json
    {"name": "web", "image": "public.ecr.aws/nginx/nginx:1.27@sha256:6784fb0834aa7dbbe12e3d7471e69c290df3e6ba810dc38b34ae33d3c1c05f7d"}
    ```
    Keep the tag for people to read; the digest is what the agent pulls.

    An image whose beginning is only known at apply time is judged by its
    known end, since a digest always ends the reference:
    `"${aws_ecr_repository.web.repository_url}:1.4.2"` is not pinned,
    `"${var.repository}:${var.tag}"` is not evaluated.

    ## References
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_image
    - https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html#deployment-container-image-stability
    """
    image = c.image
    if not image.known:
        pinned = tail_is_pinned(image.tail) if image.tail else None
        if pinned is False:
            yield image.finding(f"image ending in '{image.tail}' is not pinned by digest")
        elif pinned is None:
            yield image.not_evaluated()
    elif image.value and parse_image(image.value).digest is None:
        yield image.finding(f"image '{image.value}' is not pinned by digest")
