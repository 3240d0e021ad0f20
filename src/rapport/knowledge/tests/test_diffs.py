from rapport.knowledge.diffs import has_changes, line_diff


def kinds(lines):
    return [(line.kind, line.old_number, line.new_number, line.text) for line in lines]


def test_a_changed_line_is_removed_then_added():
    assert kinds(line_diff("a\nb\nc", "a\nB\nc")) == [
        ("same", 1, 1, "a"), ("removed", 2, None, "b"), ("added", None, 2, "B"),
        ("same", 3, 3, "c"),
    ]


def test_far_away_unchanged_lines_collapse_into_gaps():
    old = "\n".join(f"line {i}" for i in range(1, 21))
    new = old.replace("line 10", "line ten")
    lines = line_diff(old, new, context=2)
    assert kinds(lines) == [
        ("gap", None, None, "7"),
        ("same", 8, 8, "line 8"), ("same", 9, 9, "line 9"),
        ("removed", 10, None, "line 10"), ("added", None, 10, "line ten"),
        ("same", 11, 11, "line 11"), ("same", 12, 12, "line 12"),
        ("gap", None, None, "8"),
    ]


def test_the_first_version_is_all_added():
    lines = line_diff("", "one\ntwo")
    assert kinds(lines) == [("added", None, 1, "one"), ("added", None, 2, "two")]
    assert has_changes(lines)


def test_no_change_shows_nothing():
    assert line_diff("same\ntext", "same\ntext") == []
    assert not has_changes([])
