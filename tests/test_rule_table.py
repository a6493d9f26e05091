"""The rule table of docs/ARCHITECTURE.md ("Where each rule lives") stays true to the code: every row names its
home and its test (or says the rule is not enforced), every test file and test it names exists, and every
`path/module.name` it names is a file holding that name. A renamed function or a moved test fails here."""

from __future__ import annotations

import re

from tests.conftest import ROOT

REF = re.compile(r"^([a-z_]+(?:/[a-z_]+)+)(\.py|\.html)?(?:\.(\w+))?(?:\.(\w+))?$")


def rule_rows() -> list[str]:
    lines = (ROOT / "docs" / "ARCHITECTURE.md").read_text().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("## Where each rule lives"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith("## "))
    return [line for line in lines[start:end]
            if line.startswith("| ") and not line.startswith("| rule |") and not line.startswith("|---")]


def problems_of(row: str) -> list[str]:
    rule, home = row[2:].split(" | ", 1)
    found = []
    if "tests/test_" not in home and "not enforced" not in home:
        found.append(f"{rule[:60]}: no test named")
    for match in re.finditer(r"`(tests/test_\w+\.py)`(?: \(([^)]*)\))?", home):
        path = ROOT / match.group(1)
        if not path.exists():
            found.append(f"{match.group(1)}: no such file")
            continue
        source = path.read_text()
        found += [f"{match.group(1)}: no {name}" for name in re.findall(r"`(test_\w+)`", match.group(2) or "")
                  if f"def {name}(" not in source]
    for quoted in re.findall(r"`([^`]+)`", home):
        for token in re.split(r"[ ,()]+", quoted):
            match = REF.match(token)
            if not match or token.startswith("tests/"):
                continue
            base, suffix = match.group(1), match.group(2)
            path = ROOT / (base + (suffix or ".py"))
            if not path.exists():
                if (ROOT / base).is_dir():
                    continue
                found.append(f"{token}: no such file")
                continue
            source = path.read_text()
            found += [f"{token}: {path.name} has no {name}" for name in match.groups()[2:]
                      if name and not re.search(rf"\b{name}\b", source)]
    return found


def test_every_rule_row_names_code_and_tests_that_exist():
    rows = rule_rows()
    assert len(rows) >= 45
    problems = [problem for row in rows for problem in problems_of(row)]
    assert problems == []


def test_the_check_catches_a_missing_test_and_a_missing_name():
    row = ("| a rule | `members/ratings/rules.no_such_function` — test `tests/test_ratings_rules.py` "
           "(`test_no_such_test`) |")
    assert problems_of(row) == ["tests/test_ratings_rules.py: no test_no_such_test",
                                "members/ratings/rules.no_such_function: rules.py has no no_such_function"]
    assert problems_of("| a rule | `members/ratings/rules.py` |") == ["a rule: no test named"]
