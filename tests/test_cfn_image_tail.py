"""EG201 on CloudFormation images built with Fn::Sub / Fn::Join: the image is
a value not known as a whole that carries its known end (``Value.tail``),
judged by the same code as a Terraform template's (rules/_image.py)."""

from __future__ import annotations

import pytest
from test_cfn_adapter import findings, task, write

from ecs_guard.inputs import load
from ecs_guard.rule import get_rule
from ecs_guard.scan import scan

REPOSITORY = "Parameters:\n  Repo:\n    Type: String\n  Tag:\n    Type: String\n"


@pytest.mark.parametrize(
    ("image", "tail"),
    [
        ('!Sub "${Repo}:latest"', ":latest"),
        ('!Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/web"', ".amazonaws.com/web"),
        ('!Join ["", [!Ref Repo, ":1.4.2"]]', ":1.4.2"),
        ('!Join [":", [!Ref Repo, !Ref Tag]]', None),
        ('!Sub "${Repo}:v${Tag}-web"', "-web"),
    ],
)
def test_a_partly_known_image_is_not_known_and_keeps_its_known_end(tmp_path, monkeypatch, image, tail):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, task(parameters=REPOSITORY, image=image))
    (container,) = load(["."]).task_definitions[0].containers.value
    assert not container.image.known  # never a made-up string with placeholders in it
    assert container.image.value is None
    assert container.image.tail == tail


def test_an_image_known_as_a_whole_stays_a_known_string(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parameters = "Parameters:\n  Repo:\n    Type: String\n    Default: nginx\n"
    write(tmp_path, task(parameters=parameters, image='!Sub "${Repo}:1.27"'))
    (container,) = load(["."]).task_definitions[0].containers.value
    assert (container.image.known, container.image.value, container.image.tail) == (True, "nginx:1.27", None)


@pytest.mark.parametrize(
    ("image", "verdict"),
    [
        ('!Sub "${Repo}:latest"', "finding"),
        ('!Sub "${Repo}/web"', "finding"),  # no tag: latest
        ('!Sub "${Repo}:1.4.2"', "pass"),
        ('!Join ["", [!Ref Repo, "@sha256:0123"]]', "pass"),
        ('!Sub "${Repo}:${Tag}"', "not evaluated"),
        ('!Sub "${Repo}-web"', "not evaluated"),  # the unknown part may hold the tag
    ],
)
def test_eg201_judges_the_known_end(tmp_path, monkeypatch, image, verdict):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, task(parameters=REPOSITORY, image=image))
    report = scan(["."], rules=[get_rule("EG201")])
    got = findings(report, "EG201")
    if verdict == "finding":
        assert [(f.resource, f.container, f.location.line) for f in got] == [("Task", "web", 23)]
        assert "${" not in got[0].message
    else:
        assert got == []
    assert bool(report.not_evaluated) is (verdict == "not evaluated")
