"""Safe YAML/JSON reading: lines, short-form tags, and refusal of malicious input."""

import pytest

from faasguard.loaders.documents import InputError, parse, read_text


def test_lines_and_tags():
    doc = parse("Resources:\n  Fn:\n    Role: !GetAtt R.Arn\n    Name: !Ref N\n")
    fn = doc.data["Resources"]["Fn"]
    assert fn["Role"] == {"Fn::GetAtt": ["R", "Arn"]}
    assert fn["Name"] == {"Ref": "N"}
    assert fn.line_of("Name") == 4
    assert doc.data["Resources"].line_of("Fn") == 2


def test_duplicate_key_is_a_warning_and_last_wins():
    doc = parse("a: 1\nb: 2\na: 3\n")
    assert doc.data["a"] == 3
    assert doc.warnings == [(3, "duplicate key 'a' (first at line 1); the last one is used")]


def test_alias_bomb_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        parse("\n".join(lines))


def test_cyclic_alias_refused():
    with pytest.raises(InputError, match="cyclic"):
        parse("a: &a [1, *a]\n")


def test_syntax_error_has_line():
    with pytest.raises(InputError) as info:
        parse("a: [1, 2\nb: 3\n")
    assert info.value.line is not None


def test_binary_and_non_utf8_refused(tmp_path):
    binary = tmp_path / "template.yaml"
    binary.write_bytes(b"Resources:\x00\x01")
    with pytest.raises(InputError, match="binary"):
        read_text(str(binary))
    latin = tmp_path / "t2.yaml"
    latin.write_bytes("a: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="UTF-8"):
        read_text(str(latin))


def test_oversized_refused(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(InputError, match="limit"):
        read_text(str(big), max_bytes=1000)


DENSE_TEXTS = ["?\n" * 50, "- \n" * 50, "-\n" * 50, "[" * 40 + "]" * 40, "{? : , ? : }",
               "[a, b, [c, [d, {e: f}]], ~, '', 1]", "a:\n" * 30, "[-]", "? ? ? x\n", "?"]


def _values(node) -> int:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return 1
    children = [n for pair in node.value for n in pair] if isinstance(
        node, yaml.MappingNode) else node.value
    return 1 + sum(_values(child) for child in children)


@pytest.mark.parametrize("text", DENSE_TEXTS, ids=range(len(DENSE_TEXTS)))
def test_a_text_without_anchors_has_at_most_two_values_per_character_plus_one(text):
    """What lets `parse` skip the alias-expansion pre-count for texts without `&` (`?`
    alone composes to three values: a mapping, its empty key and its empty value)."""
    import yaml

    node = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert node is not None and _values(node) <= 2 * len(text) + 1


def test_node_limit_holds_with_and_without_anchors():
    plain = "[" + ", ".join(["x"] * 300) + "]"
    with pytest.raises(InputError, match="more than 100 values"):
        parse(plain, max_nodes=100)
    assert len(parse(plain, max_nodes=2 * len(plain) + 1).data) == 300  # pre-count skipped
    anchored = "a: &x [" + ", ".join(["x"] * 20) + "]\nb: [*x, *x, *x, *x, *x, *x]\n"
    with pytest.raises(InputError, match="more than 100 values"):
        parse(anchored, max_nodes=100)
    doc = parse(anchored, max_nodes=10_000)
    assert doc.data["b"][5] == ["x"] * 20 and doc.data.line_of("b") == 2


def test_collector_paused_while_reading_and_restored_after():
    import gc

    from faasguard.collector import paused

    seen = []

    assert gc.isenabled()
    with paused():
        seen.append(gc.isenabled())
        with paused():  # nested: still paused, and the outer block resumes it
            seen.append(gc.isenabled())
        seen.append(gc.isenabled())
    assert seen == [False, False, False]
    assert gc.isenabled()
    with pytest.raises(InputError):
        parse("a: [1, 2")  # an error inside: the collector runs again all the same
    assert gc.isenabled()
    gc.disable()
    try:
        assert parse("a: 1").data == {"a": 1}
        assert not gc.isenabled()  # a caller's choice to keep it off is kept
    finally:
        gc.enable()


def test_path_resolvers_added_to_pyyaml_do_not_disturb_reading(monkeypatch):
    import yaml

    # a program may add path resolvers to PyYAML's loaders: faasguard's reader has none
    monkeypatch.setattr(yaml.resolver.BaseResolver, "yaml_path_resolvers",
                        {((), str): "tag:yaml.org,2002:int"})
    doc = parse("path_resolver_a: 17\nb: [true, path_resolver_x]\n'c': 2.75\n")
    assert doc.data == {"path_resolver_a": 17, "b": [True, "path_resolver_x"], "c": 2.75}


def test_a_short_read_is_read_on(tmp_path, monkeypatch):
    """`read_text` reads through the descriptor: one read may return less than asked (a
    network or FUSE file system may), and the rest is read all the same (the limit too)."""
    import os

    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
    template = tmp_path / "template.yaml"
    text = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
    template.write_text(text)
    assert read_text(str(template)) == text
    with pytest.raises(InputError, match="limit"):
        read_text(str(template), max_bytes=len(text) - 1)


@pytest.mark.parametrize("kind", ["block", "flow"])
def test_max_depth_of_mappings_holds_whatever_the_callers_stack(kind):
    """MAX_DEPTH levels of mappings are read, and one more is refused at its line, with
    the interpreter's stack half used by the caller: the builder takes one frame a level."""
    import sys

    from faasguard.loaders.documents import MAX_DEPTH

    def nested(levels: int) -> str:
        if kind == "flow":
            return "{a: " * levels + "1" + "}" * levels
        return "".join("  " * i + "a:\n" for i in range(levels)) + "  " * levels + "b: 1\n"

    def frames() -> int:
        frame, count = sys._getframe(), 0
        while frame is not None:
            frame, count = frame.f_back, count + 1
        return count

    def at_depth(frames_left: int, call):  # call with about `frames_left` frames still free
        return call() if sys.getrecursionlimit() - frames() <= frames_left else \
            at_depth(frames_left, call)

    ok = at_depth(MAX_DEPTH + 100, lambda: parse(nested(MAX_DEPTH - 1)))
    assert ok.data["a"]["a"]
    with pytest.raises(InputError, match="nested more than") as info:
        at_depth(MAX_DEPTH + 100, lambda: parse(nested(MAX_DEPTH + 1)))
    assert info.value.line is not None
