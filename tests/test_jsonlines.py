"""JsonText finds the line of any JSON path, in any order of questions
(its members are remembered between questions), and the nearest existing
ancestor for a path that is absent."""

from __future__ import annotations

import json
import random

from ecs_guard.inputs.jsondocs.lines import JsonText


def _emit(value, path=(), lines=None, out=None, indent=0):
    """Pretty-prints `value` one member per line, recording the line of every
    path: an independent account of where each key and element is."""
    lines = {} if lines is None else lines
    out = [] if out is None else out
    pad = "  " * indent
    if isinstance(value, dict):
        out[-1] += "{"
        for n, (key, item) in enumerate(value.items()):
            out.append(f"{pad}  {json.dumps(key)}: ")
            lines[(*path, key)] = len(out)
            _emit(item, (*path, key), lines, out, indent + 1)
            if n < len(value) - 1:
                out[-1] += ","
        out.append(pad + "}")
    elif isinstance(value, list):
        out[-1] += "["
        for n, item in enumerate(value):
            out.append(pad + "  ")
            lines[(*path, n)] = len(out)
            _emit(item, (*path, n), lines, out, indent + 1)
            if n < len(value) - 1:
                out[-1] += ","
        out.append(pad + "]")
    else:
        out[-1] += json.dumps(value)
    return lines, out


def _document():
    return {
        "taskDefinition": {
            "family": "web",
            "containerDefinitions": [
                {"name": "a", "environment": [{"name": 'K"ey', "value": "x, y: {z}"}], "user": "1"},
                {
                    "name": "b",
                    "portMappings": [{"name": "http", "containerPort": 80}],
                    "essential": False,
                    "logConfiguration": {"logDriver": "awslogs", "options": {"name": "nested-name"}},
                },
            ],
            "tags": [],
            "volumes": [{"name": "v", "efsVolumeConfiguration": {}}],
        },
        "other": [[1, 2], [3, [4, {"deep": None}]]],
    }


def test_every_path_is_found_in_any_order():
    lines, out = _emit(_document(), out=[""])
    text = "\n".join(out)
    assert json.loads(text) == _document()
    paths = sorted(lines, key=repr)
    for seed in range(5):
        random.Random(seed).shuffle(paths)
        found = JsonText("x.json", text)  # a fresh one each round: each order fills its memory differently
        assert {p: found.line_of(p) for p in paths} == lines


def test_an_absent_path_gives_its_nearest_existing_ancestor():
    lines, out = _emit(_document(), out=[""])
    text = JsonText("x.json", "\n".join(out))
    container = ("taskDefinition", "containerDefinitions", 1)
    assert text.line_of((*container, "privileged")) == lines[container]
    assert text.line_of((*container, "portMappings", 5, "name")) == lines[(*container, "portMappings")]
    assert text.line_of(("taskDefinition", "tags", 0)) == lines[("taskDefinition", "tags")]
    assert text.line_of(("taskDefinition", "family", "x")) == lines[("taskDefinition", "family")]
    assert text.line_of(("missing",)) == 1
    # a key where an index is expected, and the other way round
    assert text.line_of(("other", "0")) == lines[("other",)]
    assert text.line_of(("taskDefinition", 0)) == lines[("taskDefinition",)]


def test_compact_json_and_repeated_keys():
    text = JsonText("x.json", '{"a":1,"b":{"a":2},\n"a":3,"c":[ {"x":1} ,\n{"x":2}]}')
    assert text.line_of(("a",)) == 1  # the first of repeated keys
    assert text.line_of(("b", "a")) == 1
    assert text.line_of(("c", 1, "x")) == 3
    assert text.offset_of(("c", 1)) == text.text.index('{"x":2}')


def test_locations_are_lazy_and_keep_the_address():
    text = JsonText("x.json", '{\n  "a": {\n    "b": true\n  }\n}')
    location = text.location(("a", "b"), address="family:web")
    assert (location.path, location.address, location.line) == ("x.json", "family:web", 3)


def test_a_lazily_located_value_is_a_known_literal_equal_to_the_plain_value():
    """JsonValue keeps what every JSON value shares on its class: it still
    compares, prints and answers like the Value it stands for."""
    from ecs_guard.model import Value

    text = JsonText("x.json", '{\n  "image": "nginx:1.27"\n}')
    value = text.locator(()).value("nginx:1.27", ("image",))
    plain = Value("nginx:1.27", text.location(("image",)))
    assert (value.known, value.reason, value.literal, value.tail) == (True, "", True, None)
    assert value == plain and plain == value
    assert repr(value) == repr(plain) == "Value('nginx:1.27', Location('x.json', line=2, address=''))"
    assert value != Value("nginx:1.27", text.location(()))


# ----------------------------------------------------------------- remembered members

_KEYS = [
    "name",
    "user",
    "image",
    "essential",
    "environment",
    "value",
    "a b",
    "x:y",
    "name2",
    "0",
    'K"ey',
    "back\\slash",
    "é",
    "a/b",
    "",
]


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.random()
    if depth > 4 or kind < 0.35:
        return rng.choice([None, True, False, 0, -1.5, 12, "v", 'x, y: {z}\n"', "}", "]\n", ""])
    if kind < 0.65:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
    return {rng.choice(_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randrange(0, 6))}


def _paths(value, path=()):
    """Every path of `value`, and some that are absent below each container."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
        yield from ((*path, key) for key in _KEYS if key not in value)
        yield (*path, 0)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))
        yield (*path, len(value))
        yield (*path, "name")
    else:
        yield (*path, "name")


def test_remembered_members_give_the_same_answers_in_any_order_on_random_documents():
    """What a walk learns is kept for later questions: asked in any order,
    on any layout, every path (present or absent) gets the answer a fresh
    walk gives."""
    for seed in range(200):
        rng = random.Random(seed)
        document = {rng.choice(_KEYS): _random_value(rng) for _ in range(rng.randrange(1, 6))}
        if rng.random() < 0.2:
            document = [document, _random_value(rng), [[1, [2]], []]]
        text = json.dumps(document, indent=rng.choice([None, 1, 2, 4, "\t"]), ensure_ascii=rng.random() < 0.5)
        paths = list(_paths(document))
        expected = {p: JsonText("x.json", text).offset_of(p) for p in paths}  # a fresh walk per question
        rng.shuffle(paths)
        remembering = JsonText("x.json", text)
        assert {p: remembering.offset_of(p) for p in paths} == expected, seed


def test_small_and_large_texts_give_the_same_lines():
    """Lines of a small text are counted, those of a large one found in its
    newline offsets: both give the line json.dumps(indent=1) puts a value on."""
    from ecs_guard.inputs.jsondocs import lines

    for count in (10, lines._COUNTED // 10):  # below and above the size where counting stops
        data = {"items": [{"name": f"n{i}", "value": i} for i in range(count)]}
        text = json.dumps(data, indent=1)
        document = JsonText("f.json", text)
        expected = [text.splitlines().index(f'   "name": "n{i}",') + 1 for i in (0, count // 2, count - 1)]
        assert [document.line_of(("items", i, "name")) for i in (0, count // 2, count - 1)] == expected
        assert (len(text) > lines._COUNTED) == (count > 10)
