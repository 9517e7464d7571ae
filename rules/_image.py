"""Parsing of container image references, shared by EG201 and EG202.

An image reference is `[registry[:port]/]repository[:tag][@digest]`. The
registry port is why "the part after a colon" is not the tag: in
`registry.local:5000/web` there is no tag, so the image is `latest`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageReference:
    """An image reference split into repository, tag and digest."""

    repository: str  # everything before the tag and digest, registry included
    tag: str | None  # None: no tag written
    digest: str | None  # "sha256:..." or None

    @property
    def is_latest(self) -> bool:
        """Runs whatever `latest` points to today: tagged latest, or neither tag
        nor digest (Docker then pulls `latest`). A digest pins the image whatever
        its tag says, so `web:latest@sha256:...` is not latest."""
        return self.digest is None and self.tag in (None, "latest")


def tail_is_latest(tail: str) -> bool | None:
    """Whether an image reference whose beginning is not known (only its
    end, `tail`, is: ":latest" of "${aws_ecr_repository.app.repository_url}:latest")
    runs `latest`: True, False, or None when the known end cannot tell (it
    holds no "/", ":" or "@", so the unknown part may still hold the tag).

    A digest in the tail pins the image. A "/" in the tail means the whole
    last path segment is known, tag or no tag. Otherwise the text after the
    last ":" is the tag (a registry port is always followed by a "/")."""
    if "@" in tail:
        return False
    slash = tail.rfind("/")
    if slash >= 0:
        return parse_image("x" + tail[slash:]).is_latest
    if ":" in tail:
        tag = tail.rsplit(":", 1)[1]
        return tag == "latest" if tag else None
    return None


def tail_is_pinned(tail: str) -> bool | None:
    """Whether an image reference whose beginning is not known is pinned by
    a digest: True, False, or None when the known end cannot tell. A digest
    ends the reference, so it is in the tail when there is one; a tail that
    holds a ":" or "/" but no "@" ends in a tag or a name, not a digest
    ("${repo}:1.4.2"), while a tail with neither ("${repo}${suffix}x") may
    be the end of one."""
    if "@" in tail:
        return parse_image("x" + tail[tail.rfind("@") :]).digest is not None
    if ":" in tail or "/" in tail:
        return False
    return None


def parse_image(reference: str) -> ImageReference:
    name, _, digest = reference.strip().partition("@")
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > last_slash:  # a colon in the last path segment starts the tag
        repository, tag = name[:colon], name[colon + 1 :]
    else:  # no colon, or only the registry's port
        repository, tag = name, None
    return ImageReference(repository, tag or None, digest or None)
