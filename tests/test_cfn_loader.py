"""The CloudFormation loader: short-form tags in their long form, the line
of every key and item, YAML 1.1 traps avoided, every problem a
TemplateError at its line, the pre-filter and recognition by content; the
same results from libyaml and from PyYAML's Python parser, and from the
same template written in YAML and in JSON."""

from __future__ import annotations

import codecs
import gc
import json
from pathlib import Path
from typing import Any

import pytest

from ecs_guard.inputs.cloudformation.detect import decode_template, is_template, looks_like_template
from ecs_guard.inputs.cloudformation.loader import load_template, read_template
from ecs_guard.inputs.cloudformation.template import MAX_DEPTH, Template, TemplateError
from ecs_guard.inputs.cloudformation.yaml_loader import ALIAS_BUDGET, has_c_loader

DATA = Path(__file__).parent / "data" / "cloudformation"
YAML_TEXT = (DATA / "orders-service.yaml").read_text()
JSON_TEXT = (DATA / "orders-service.json").read_text()
TASK = ("Resources", "OrdersTaskDefinition", "Properties")
APP = (*TASK, "ContainerDefinitions", 0)

LOADERS = [
    pytest.param(False, id="libyaml", marks=pytest.mark.skipif(not has_c_loader(), reason="PyYAML without libyaml")),
    pytest.param(True, id="python"),
]


@pytest.fixture(params=LOADERS)
def pure_python(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def load(text: str, pure_python: bool, display: str = "template.yaml") -> Template:
    return load_template(text, display, pure_python=pure_python)


def problem(text: str, pure_python: bool = False, display: str = "template.yaml") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        load_template(text, display, pure_python=pure_python)
    return caught.value


def line_with(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line of `text` containing `needle`."""
    found = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) >= nth, f"{needle!r} not in the text {nth} times"
    return found[nth - 1]


def all_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every key and item below `value`."""
    found = []
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for step, child in children:
        found.append(((*path, step), child))
        found.extend(all_paths(child, (*path, step)))
    return found


# -- short-form tags ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!Ref Cluster", {"Ref": "Cluster"}),
        ("!Ref AWS::Region", {"Ref": "AWS::Region"}),
        ("!Condition IsProd", {"Condition": "IsProd"}),
        ("!Sub 'arn:${AWS::Partition}:s3:::b/*'", {"Fn::Sub": "arn:${AWS::Partition}:s3:::b/*"}),
        ("!Sub ['${Repo}:1.10', {Repo: !Ref Repo}]", {"Fn::Sub": ["${Repo}:1.10", {"Repo": {"Ref": "Repo"}}]}),
        ("!GetAtt Role.Arn", {"Fn::GetAtt": ["Role", "Arn"]}),
        ("!GetAtt Db.Endpoint.Address", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!GetAtt [Db, Endpoint.Address]", {"Fn::GetAtt": ["Db", "Endpoint.Address"]}),
        ("!If [IsProd, 3, !Ref AWS::NoValue]", {"Fn::If": ["IsProd", 3, {"Ref": "AWS::NoValue"}]}),
        ("!Join ['/', [service, !Ref Cluster]]", {"Fn::Join": ["/", ["service", {"Ref": "Cluster"}]]}),
        ("!Select [1, !Split [',', 'a,b']]", {"Fn::Select": [1, {"Fn::Split": [",", "a,b"]}]}),
        ("!FindInMap [Map, !Ref AWS::Region, Ami]", {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Ami"]}),
        ("!GetAZs ''", {"Fn::GetAZs": ""}),
        ("!GetAZs eu-west-1", {"Fn::GetAZs": "eu-west-1"}),
        ("!ImportValue shared-cluster", {"Fn::ImportValue": "shared-cluster"}),
        ("!Base64 'echo hi'", {"Fn::Base64": "echo hi"}),
        ("!Cidr [10.0.0.0/16, 4, 8]", {"Fn::Cidr": ["10.0.0.0/16", 4, 8]}),
        ("!And [!Condition A, !Condition B]", {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Or [!Condition A, !Condition B]", {"Fn::Or": [{"Condition": "A"}, {"Condition": "B"}]}),
        ("!Not [!Condition A]", {"Fn::Not": [{"Condition": "A"}]}),
        ("!Equals [!Ref Env, prod]", {"Fn::Equals": [{"Ref": "Env"}, "prod"]}),
        (
            "!Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}",
            {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
        ),
        ("!Length [a, b]", {"Fn::Length": ["a", "b"]}),
        ("!ToJsonString {a: 1}", {"Fn::ToJsonString": {"a": 1}}),
    ],
)
def test_every_short_form_tag_is_its_long_form(source: str, expected: Any, pure_python: bool) -> None:
    assert load(f"Value: {source}\n", pure_python).data == {"Value": expected}


def test_tags_in_block_style_and_on_block_scalars(pure_python: bool) -> None:
    text = (
        "A: !Sub\n"
        "  - '${Repo}:${Tag}'\n"
        "  - Repo: !ImportValue repo-uri\n"
        "    Tag: !Ref Tag\n"
        "B: !Base64\n"
        "  Fn::Sub: |\n"
        "    #!/bin/bash\n"
        "    echo ${AWS::StackName}\n"
        "C: !Sub |\n"
        "  line ${X}\n"
        "D: !GetAtt\n"
        "  - Db\n"
        "  - Endpoint.Port\n"
    )
    assert load(text, pure_python).data == {
        "A": {"Fn::Sub": ["${Repo}:${Tag}", {"Repo": {"Fn::ImportValue": "repo-uri"}, "Tag": {"Ref": "Tag"}}]},
        "B": {"Fn::Base64": {"Fn::Sub": "#!/bin/bash\necho ${AWS::StackName}\n"}},
        "C": {"Fn::Sub": "line ${X}\n"},
        "D": {"Fn::GetAtt": ["Db", "Endpoint.Port"]},
    }


def test_the_template_with_every_tag(pure_python: bool) -> None:
    data = load(YAML_TEXT, pure_python).data
    properties = data["Resources"]["OrdersTaskDefinition"]["Properties"]
    app = properties["ContainerDefinitions"][0]
    assert app["Image"] == {"Fn::Sub": ["${Repo}:${ImageTag}", {"Repo": {"Fn::ImportValue": "shared-ecr-orders-uri"}}]}
    assert properties["ExecutionRoleArn"] == {"Fn::GetAtt": ["OrdersExecutionRole", "Arn"]}
    assert properties["TaskRoleArn"] == {"Fn::GetAtt": ["OrdersTaskRole", "Arn"]}
    assert app["Environment"][1]["Value"] == {"Fn::GetAtt": ["OrdersCache", "RedisEndpoint.Address"]}
    assert app["Environment"][2]["Value"] == '{"retries": 3,\n "timeout": 1.50}\n'
    assert data["Conditions"]["IsStaging"] == {"Fn::Not": [{"Condition": "IsProd"}]}
    assert data["Resources"]["OrdersScalableTarget"]["Condition"] == "IsProd"
    assert is_template(data)


# -- scalars: YAML 1.1 traps ----------------------------------------------------------------------------------


def test_plain_scalars_keep_what_cloudformation_reads(pure_python: bool) -> None:
    text = (
        "Version: 2010-09-09\n"
        "Words: [yes, no, on, off, Yes, y, n]\n"
        "Decimals: [1.10, 1.4, 0.25, 1e3, .inf, .nan]\n"
        "Radixes: [012, 0x1F, 0o17, 1_000, +5, -0, '12']\n"
        "Ints: [0, 8080, -12]\n"
        "Booleans: [true, True, TRUE, false, False, FALSE]\n"
        "Nulls: [null, Null, ~, '']\n"
        "Empty:\n"
        "80: http\n"
        "true: key\n"
    )
    assert load(text, pure_python).data == {
        "Version": "2010-09-09",
        "Words": ["yes", "no", "on", "off", "Yes", "y", "n"],
        "Decimals": ["1.10", "1.4", "0.25", "1e3", ".inf", ".nan"],
        "Radixes": ["012", "0x1F", "0o17", "1_000", "+5", "-0", "12"],
        "Ints": [0, 8080, -12],
        "Booleans": [True, True, True, False, False, False],
        "Nulls": [None, None, None, ""],
        "Empty": None,
        "80": "http",
        "true": "key",
    }


def test_explicit_core_tags(pure_python: bool) -> None:
    text = (
        "A: !!str 8080\nB: !!int 8080\nC: !!float 1.10\nD: !!bool true\nE: !!null ''\nF: !!map {a: 1}\nG: !!seq [1]\n"
    )
    assert load(text, pure_python).data == {
        "A": "8080",
        "B": 8080,
        "C": "1.10",
        "D": True,
        "E": None,
        "F": {"a": 1},
        "G": [1],
    }


def test_json_floats_keep_their_text_like_yaml() -> None:
    template = load_template('{"Version": 1.10, "Weight": 0.5, "Port": 8080, "On": true, "No": null}', "t.json")
    assert template.data == {"Version": "1.10", "Weight": "0.5", "Port": 8080, "On": True, "No": None}
    assert template.format == "json"


# -- lines ----------------------------------------------------------------------------------------------------


def test_lines_of_keys_and_items_in_nested_block_and_flow_style(pure_python: bool) -> None:
    template = load(YAML_TEXT, pure_python)
    expect = {
        (): line_with(YAML_TEXT, "AWSTemplateFormatVersion"),
        ("Description",): 2,
        ("Parameters",): 5,  # after a folded string of two lines
        ("Parameters", "Environment", "AllowedValues", 1): line_with(YAML_TEXT, "AllowedValues: [prod, staging]"),
        ("Mappings", "RegionConfig", "us-east-1", "Cidr"): line_with(YAML_TEXT, "us-east-1: {LogRetention"),
        ("Conditions", "InEurope", "Fn::Or", 1, "Fn::Equals", 1): line_with(YAML_TEXT, "eu-central-1]"),
        (*TASK, "ContainerDefinitions"): line_with(YAML_TEXT, "ContainerDefinitions:"),
        (*APP, "Image"): line_with(YAML_TEXT, "Image: !Sub"),
        (*APP, "Image", "Fn::Sub"): line_with(YAML_TEXT, "Image: !Sub"),
        (*APP, "Image", "Fn::Sub", 0): line_with(YAML_TEXT, "- ${Repo}:${ImageTag}"),
        (*APP, "Image", "Fn::Sub", 1, "Repo"): line_with(YAML_TEXT, "- Repo: !ImportValue"),
        (*APP, "PortMappings", 0, "Protocol"): line_with(YAML_TEXT, "{ContainerPort: 8080, Protocol: tcp}"),
        (*APP, "Environment", 2, "Value"): line_with(YAML_TEXT, "Value: |"),
        (*APP, "Environment", 3): line_with(YAML_TEXT, "- Name: AZ"),  # after a literal block of two lines
        (*APP, "Environment", 3, "Value", "Fn::Select", 1, "Fn::GetAZs"): line_with(YAML_TEXT, "!GetAZs ''"),
        (*APP, "Environment", 1, "Value", "Fn::GetAtt", 1): line_with(YAML_TEXT, "RedisEndpoint.Address"),
        (*APP, "HealthCheck", "Command", 1): line_with(YAML_TEXT, "Command: [CMD-SHELL"),
        (*TASK, "ContainerDefinitions", 1): line_with(YAML_TEXT, "- Name: xray"),
        (*TASK, "ContainerDefinitions", 1, "Cpu"): line_with(YAML_TEXT, "Cpu: 32"),
        (*TASK, "RequiresCompatibilities", 0): line_with(YAML_TEXT, "- FARGATE"),
        (
            "Resources",
            "BastionLaunchTemplate",
            "Properties",
            "LaunchTemplateData",
            "UserData",
            "Fn::Base64",
            "Fn::Sub",
        ): line_with(YAML_TEXT, "Fn::Sub: |"),
        ("Outputs", "TaskDefinitionArn", "Value"): line_with(YAML_TEXT, "Value: !Ref OrdersTaskDefinition"),
    }
    assert {path: template.line_of(path) for path in expect} == expect


def test_an_absent_path_is_at_its_nearest_ancestor(pure_python: bool) -> None:
    template = load(YAML_TEXT, pure_python)
    xray = line_with(YAML_TEXT, "- Name: xray")
    assert template.line_of((*TASK, "ContainerDefinitions", 1, "ReadonlyRootFilesystem")) == xray
    assert template.line_of((*TASK, "ContainerDefinitions", 1, "Name", "deeper")) == xray
    assert template.line_of((*TASK, "ContainerDefinitions", 7)) == line_with(YAML_TEXT, "ContainerDefinitions:")
    assert template.line_of((*TASK, "ContainerDefinitions", -1)) == line_with(YAML_TEXT, "ContainerDefinitions:")
    assert template.line_of((*TASK, "ContainerDefinitions", "0")) == line_with(YAML_TEXT, "ContainerDefinitions:")
    assert template.line_of(("Resources", "Nothing")) == line_with(YAML_TEXT, "Resources:")
    assert template.line_of(("Nothing",)) == 1


@pytest.mark.parametrize("form", ["yaml", "json"])
def test_every_key_and_item_is_at_a_line_that_shows_it(form: str) -> None:
    """Independent of how lines are kept: the line given for each key shows
    the key (or the short-form tag it came from), the line of each item
    shows the item's first scalar."""
    text = YAML_TEXT if form == "yaml" else JSON_TEXT
    template = load_template(text, f"orders-service.{form}")
    lines = text.splitlines()

    def first_scalar(value: Any) -> str:
        if isinstance(value, dict):
            return str(next(iter(value)))
        if isinstance(value, list):
            return first_scalar(value[0])
        return value if isinstance(value, str) else json.dumps(value)

    def shows(line: str, name: str) -> bool:
        if form == "json":
            return json.dumps(name) in line or name in line
        short = "!" + name.removeprefix("Fn::")
        return name.split("\n")[0] in line or short in line

    checked = 0
    for path, value in all_paths(template.data):
        line = lines[template.line_of(path) - 1]
        if isinstance(path[-1], str):
            assert shows(line, path[-1]), f"{path}: line {template.line_of(path)} is {line!r}"
        elif form == "json" and isinstance(value, (dict, list)):  # a JSON item is at its opening bracket
            assert line.strip()[0] == ("{" if isinstance(value, dict) else "["), f"{path}: {line!r}"
        else:
            assert shows(line, first_scalar(value)), f"{path}: line {template.line_of(path)} is {line!r}"
        checked += 1
    assert checked > 300


def test_libyaml_and_python_parsers_give_the_same_data_and_lines() -> None:
    if not has_c_loader():
        pytest.skip("PyYAML without libyaml")
    text = YAML_TEXT + "Extra:\n  Anchored: &common {LogDriver: awslogs, Options: {a: 1}}\n  Again: *common\n"
    fast, slow = load_template(text, "t.yaml"), load_template(text, "t.yaml", pure_python=True)
    assert fast.data == slow.data
    paths = [path for path, _ in all_paths(fast.data)]
    assert [fast.line_of(path) for path in paths] == [slow.line_of(path) for path in paths]


def test_the_same_template_in_json_and_yaml_gives_the_same_data_and_keys_at_their_lines() -> None:
    from_yaml, from_json = load_template(YAML_TEXT, "t.yaml"), load_template(JSON_TEXT, "t.json")
    assert (from_yaml.format, from_json.format) == ("yaml", "json")
    assert from_yaml.data == from_json.data
    json_lines = JSON_TEXT.splitlines()
    for path in [
        (*APP, "Image"),
        (*APP, "Environment", 4, "Value"),
        ("Parameters", "ImageTag", "Default"),
        (*TASK, "ContainerDefinitions", 1, "Cpu"),
        ("Outputs", "TaskDefinitionArn", "Condition"),
    ]:
        key = path[-1]
        assert f"{key}:" in YAML_TEXT.splitlines()[from_yaml.line_of(path) - 1]
        assert f'"{key}":' in json_lines[from_json.line_of(path) - 1]
    assert from_json.line_of((*TASK, "ContainerDefinitions", 1)) == line_with(JSON_TEXT, '"Name": "xray"') - 1
    assert from_json.line_of((*TASK, "ContainerDefinitions", 1, "Nothing")) == from_json.line_of(
        (*TASK, "ContainerDefinitions", 1)
    )


def test_aliases_within_the_budget_share_their_anchor(pure_python: bool) -> None:
    text = (
        "Logs: &logs\n  LogDriver: awslogs\n  Options: {awslogs-group: g}\n"
        "Containers:\n  - Name: a\n    LogConfiguration: *logs\n  - Name: b\n    LogConfiguration: *logs\n"
    )
    template = load(text, pure_python)
    assert template.data["Containers"][1]["LogConfiguration"] == {
        "LogDriver": "awslogs",
        "Options": {"awslogs-group": "g"},
    }
    assert template.line_of(("Containers", 1, "LogConfiguration")) == 8
    assert template.line_of(("Containers", 1, "LogConfiguration", "Options")) == 3  # inside: the anchor's lines


# -- problems -------------------------------------------------------------------------------------------------


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Resources:\n  A:\n    Type: [AWS::S3::Bucket\n  B: {}\n", 4, "YAML syntax"),
        ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n   Properties: {}\n", 4, "YAML syntax"),
        (
            "Resources:\n  A: {Type: AWS::SQS::Queue}\n  B: {Type: AWS::SQS::Queue}\n  A: {Type: AWS::SNS::Topic}\n",
            4,
            "duplicate key 'A' (first at line 2)",
        ),
        ("A:\n  Properties: {Cpu: 256, Cpu: 512}\n", 2, "duplicate key 'Cpu'"),
        ("A: 1\nB: !Foo bar\n", 2, "unknown tag !Foo"),
        ("A: 1\nB: !Foo [bar]\n", 2, "unknown tag !Foo"),
        ("A: !Ref [a, b]\n", 1, "!Ref takes a name"),
        ("A:\n  B: !GetAtt NoAttribute\n", 2, "!GetAtt needs Resource.Attribute"),
        ("A: !!binary aGVsbG8=\n", 1, "!!binary is not supported"),
        ("A: !!timestamp 2010-09-09\n", 1, "!!timestamp is not supported"),
        ("A: !!int twelve\n", 1, "!!int"),
        ("Base: &base {Cpu: 256}\nTask:\n  <<: *base\n", 3, "merge keys (<<)"),
        ("? [a, b]\n: c\n", 1, "a list used as a key"),
        ("A: 1\n---\nB: 2\n", 2, "single document"),
        ("A: *nowhere\n", 1, "undefined alias"),
        ("A: &a\n  - 1\n  - *a\n", 1, "recursive YAML alias"),
        (_bomb(9), 4, "aliases expand to more than"),  # a3: 10 x 1,111 values
        ("A:\n  B: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n", 2, f"nested more than {MAX_DEPTH}"),
        (
            "A:\n" + "".join("  " * level + f"k{level}:\n" for level in range(1, MAX_DEPTH + 3)),
            MAX_DEPTH + 1,
            "nested more than",
        ),
        ("A: b\n\x07\n", 2, "U+0007 is not allowed"),
        ("A: b\nC: d\x00e\n", 2, "NUL character"),
    ],
)
def test_problems_are_template_errors_at_their_line(text: str, line: int, words: str, pure_python: bool) -> None:
    error = problem(text, pure_python)
    assert (error.line, words in error.message) == (line, True), error.message


def test_nesting_past_libyaml_bound_is_the_same_problem(pure_python: bool) -> None:
    error = problem("A:\n  " + "[" * 5000 + "]" * 5000 + "\n", pure_python)
    assert "nested more than" in error.message
    assert error.line == 2


def test_an_alias_budget_exactly_met_is_accepted(pure_python: bool) -> None:
    # 10 aliases of a list of ALIAS_BUDGET // 10 - 1 values: the budget, no more
    size = ALIAS_BUDGET // 10 - 1
    text = "A: &a [" + ", ".join(["x"] * size) + "]\nB: [" + ", ".join(["*a"] * 10) + "]\n"
    assert len(load(text, pure_python).data["B"]) == 10
    assert "aliases expand" in problem(text.replace("B: [", "B: [*a, "), pure_python).message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            '{\n  "Resources": {\n    "A": {"Type": "AWS::SQS::Queue"},\n    "A": {"Type": "AWS::SNS::Topic"}\n  }\n}',
            4,
            "duplicate key 'A' (first at line 3)",
        ),
        ('{"A": {"B": [1, 2]},\n "C": {"B": 1, "D": [{"E": 1, "F": {}, "E": 2}]}}', 2, "duplicate key 'E'"),
        ('{"A": "x\\"y", "B": ["A", "A"], "A": 2}', 1, "duplicate key 'A'"),
        ('{\n  "Resources": {\n    "A": {"Type": "AWS::SQS::Queue"}\n  }\n}}\n', 5, "JSON syntax"),
        ('{\n  "A": ' + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "}", 2, f"nested more than {MAX_DEPTH}"),
        ('{\n  "A":\n' + "[" * 100_000 + "]" * 100_000 + "}", 3, "nested more than"),
    ],
)
def test_json_problems_are_template_errors_at_their_line(text: str, line: int, words: str) -> None:
    error = problem(text, display="template.json")
    assert (error.line, words in error.message) == (line, True), error.message


def test_a_template_file_starting_with_a_brace_that_is_no_json_is_read_as_yaml() -> None:
    template = load_template("{Resources: {Q: {Type: AWS::SQS::Queue}}}", "queue.template")
    assert (template.format, is_template(template.data)) == ("yaml", True)
    assert "JSON syntax" in problem("{Resources: {Q: {Type: [AWS::SQS::Queue}}}", display="queue.template").message


def test_problems_never_quote_the_source() -> None:
    secret = "hunter2-canary-5f1c"
    for text in (
        f"A:\n  Password: [{secret}\n  B: 1\n",
        f"A: !Foo {secret}\n",
        f"A: b\n{secret}: \x07\n",
        f"A: {{Password: {secret}, Password: {secret}}}\n",
    ):
        error = problem(text)
        assert secret not in str(error) and secret not in error.message
    assert secret not in str(problem(f'{{"Password": "{secret}", "Password": "{secret}"}}', display="t.json"))


def test_a_utf8_bom_is_accepted() -> None:
    text = "\ufeffAWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Type: AWS::SQS::Queue}\n"
    assert load_template(text, "t.yaml").line_of(("Resources", "Q")) == 3
    from_bytes = read_template(codecs.BOM_UTF8 + text[1:].encode(), "t.yaml")
    assert from_bytes.data["AWSTemplateFormatVersion"] == "2010-09-09"
    assert read_template(codecs.BOM_UTF8 + b'{"Resources": {}}', "t.json").data == {"Resources": {}}


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        ("Resources:\n  Q: {Type: AWS::SQS::Queue}\n".encode("utf-16"), 1, "UTF-16"),
        ("Resources:\n  Q: {Type: AWS::SQS::Queue}\n".encode("utf-16-le"), 1, "UTF-16"),
        ("Resources:\n  Q: {Type: AWS::SQS::Queue}\n".encode("utf-32"), 1, "UTF-16 or UTF-32"),
        ("Resources:\n  Q:\n    Description: caf\xe9\n".encode("latin-1"), 3, "not UTF-8 text (byte 0xE9)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary"),
    ],
)
def test_files_that_are_not_utf8_text_are_clear_problems(data: bytes, line: int, words: str) -> None:
    with pytest.raises(TemplateError) as caught:
        read_template(data, "t.yaml")
    assert (caught.value.line, words in caught.value.message) == (line, True), caught.value.message
    with pytest.raises(TemplateError):
        decode_template(data)


def test_loading_leaves_the_garbage_collector_as_it_was() -> None:
    was = gc.isenabled()
    try:
        gc.enable()
        load_template(YAML_TEXT, "t.yaml")
        problem("A: [\n")
        assert gc.isenabled()
        gc.disable()
        load_template(YAML_TEXT, "t.yaml")
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


# -- which files are templates --------------------------------------------------------------------------------

KUBERNETES = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  annotations:
    note: deployed beside the AWS::ECS::Service of the same name
spec:
  template:
    spec:
      containers:
        - name: orders
          image: orders:1.10
          resources:
            limits: {cpu: 500m, memory: 512Mi}
"""
WORKFLOW = """name: deploy
on:
  push:
    branches: [main]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: aws cloudformation deploy --template-file orders-service.yaml --stack-name orders
"""
COMPOSE = """services:
  orders:
    image: orders:1.10
    environment:
      STAGE: dev
    deploy:
      resources:
        limits: {cpus: '0.5'}
"""


@pytest.mark.parametrize(
    "head",
    [
        YAML_TEXT[:4096],
        JSON_TEXT[:4096],
        json.dumps(json.loads(JSON_TEXT), separators=(",", ":"))[:4096],  # minified, as tools write it
        "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n",
        '{"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}}}',
        "Parameters:\n  VpcId:\n    Type: AWS::EC2::VPC::Id\n" + "  # a long parameter section\n" * 300,
        "\ufeffAWSTemplateFormatVersion: '2010-09-09'\n",
    ],
)
def test_the_pre_filter_accepts_templates(head: str) -> None:
    assert looks_like_template(head)
    assert looks_like_template(head.encode())


@pytest.mark.parametrize("head", [KUBERNETES, WORKFLOW, COMPOSE, "", '{"name": "x", "resources": {"AWS::": 1}}'])
def test_the_pre_filter_rejects_other_yaml_and_json(head: str) -> None:
    assert not looks_like_template(head)


def test_the_pre_filter_lets_utf16_templates_through_to_their_problem() -> None:
    head = YAML_TEXT[:2048].encode("utf-16")
    assert looks_like_template(head)
    assert not looks_like_template(KUBERNETES.encode("utf-16"))
    with pytest.raises(TemplateError, match="UTF-16"):
        read_template(head, "t.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (YAML_TEXT, True),
        (JSON_TEXT, True),
        (
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n  Mod:\n    Type: MyOrg::Orders::Svc::MODULE\n",
            True,
        ),
        ("Resources:\n  Hook:\n    Type: Custom::Seed\n", True),
        (KUBERNETES, False),
        (WORKFLOW, False),
        (COMPOSE, False),
        ("Resources: {}\n", False),
        ("Resources:\n  A: {Type: MyOrg::Orders::Service}\n", False),
        ("Resources:\n  A: {Type: AWS::SQS::Queue}\n  B: [not, a, resource]\n", False),
        ("Resources:\n  A: {Type: !Ref Kind}\n", False),
        ("- Resources\n", False),
        ("# only a comment\n", False),
    ],
)
def test_templates_are_recognised_by_content(text: str, expected: bool) -> None:
    assert is_template(load_template(text, "t.yaml").data) is expected
