"""docs/instructor_guide.md quotes the notebooks as they are: checks, hints, exercise numbers, settings and times.

For each notebook section of the guide ("### NN · Title" under "## 2. The notebooks"):

- every check it names (`check_x`, `gu.checks.check_x`) exists in gu.checks and belongs to notebook NN;
- every hint name it cites (`gu.checks.hint("x")`, or a bare name in the first column of its mistakes
  table) is a key of that notebook's HINTS;
- every "exercise N" it cites exists in the notebook's Exercises section, counted from the source's
  exercise headings ("**N. Title.**" or "### Exercise N: title");
- every row of its mistakes table names a check that the notebook calls where the row says: inside
  exercise N's block for "ex. N", before the Exercises section for a build cell, prediction or listing;
- every setting it quotes in backticks with a number in it (`lr_d / lr_g = 5`, `steps=100`) appears in
  the notebook's source (spaces ignored);
- its **Time.** paragraph repeats the header's "about ..." running time, and any seconds the header gives.

The session plans' "NN exercises 1-3" must exist too, and the hint section must describe the 4-level
ladder and its cap. Point GAN_GUIDE at another file to check it instead: for example the guide as it
was before the notebooks' rewrite, `git show HEAD~30:docs/instructor_guide.md > /tmp/old_guide.md`,
then `GAN_GUIDE=/tmp/old_guide.md pytest tests/test_guide.py`, fails.
"""
from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import REPO

GUIDE = Path(os.environ.get("GAN_GUIDE") or REPO / "docs" / "instructor_guide.md")
SOURCES = REPO / "notebooks" / "src"
NOTEBOOKS = ("00", "01", "02", "03", "04", "05", "06", "07")

NUMBERS = r"\d+(?:\s*(?:-|–|,\s*and|,|and|or)\s*\d(?!\d))*"  # "1-3", "2, 4 and 5"; not "..., and 05 ..."
EXERCISE_CITE = re.compile(rf"\b[Ee]xercises?\s+({NUMBERS})")
OTHER_NOTEBOOK_CITE = re.compile(rf"\b(0[0-9])(?:'s)?\s+[Ee]xercises?\s+({NUMBERS})")
BACKTICKS = re.compile(r"`([^`\n]+)`")
CHECK_NAME = re.compile(r"\bcheck_[a-z0-9_]+")
HINT_CALL = re.compile(r"""hint\(\s*["']([a-z0-9_]+)["']""")
ABOUT = re.compile(r"\babout (a|an|\d+(?:\.\d+)?) (seconds?|minutes?)", re.IGNORECASE)


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def numbers(cited: str) -> list[int]:
    """'1-3' -> [1, 2, 3]; '2, 4 and 5' -> [2, 4, 5]."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,\s*and|,|and|or)\s*", cited):
        bounds = [int(n) for n in re.split(r"\s*[-–]\s*", part) if n.strip()]
        out += list(range(bounds[0], bounds[-1] + 1)) if bounds else []
    return out


def sections(text: str) -> dict[str, str]:
    """Notebook number -> the text of its section in the guide."""
    found = {}
    matches = list(re.finditer(r"^### (\d\d) · .*$", text, re.MULTILINE))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        stop = re.search(r"^##? ", text[match.end():end], re.MULTILINE)
        found[match.group(1)] = text[match.start(): match.end() + stop.start() if stop else end]
    return found


@lru_cache(maxsize=None)
def source(nb: str) -> str:
    (path,) = SOURCES.glob(f"{nb}_*.py")
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def exercise_blocks(nb: str) -> dict[int, str]:
    """Exercise number -> its block of the source, from its heading to the next (or to Solutions)."""
    text = source(nb)
    start = text.index("# ## Exercises")
    end = text.index("# ## Solutions", start)
    region = text[start:end]
    heads = list(re.finditer(r"^# (?:\*\*(\d+)\. |### Exercise (\d+)\b)", region, re.MULTILINE))
    blocks = {}
    for i, head in enumerate(heads):
        stop = heads[i + 1].start() if i + 1 < len(heads) else len(region)
        blocks[int(head.group(1) or head.group(2))] = region[head.start():stop]
    return blocks


def before_exercises(nb: str) -> str:
    text = source(nb)
    return text[: text.index("# ## Exercises")]


@lru_cache(maxsize=None)
def checks_module(nb: str):
    return importlib.import_module(f"gan_utils.checks.nb{nb}")


@lru_cache(maxsize=None)
def public_checks() -> frozenset[str]:
    checks = importlib.import_module("gan_utils.checks")
    return frozenset(name for name in dir(checks) if name.startswith("check_"))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def table_rows(section: str) -> list[tuple[str, str]]:
    """(first column, rest) of each row of the section's mistakes table."""
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.lstrip().startswith("|") and len(cells) >= 2 and not set(cells[0]) <= set("-: "):
            if cells[0] not in {"cell", "exercise", "where"}:
                rows.append((cells[0], " | ".join(cells[1:])))
    return rows


def section_problems(nb: str, section: str) -> list[str]:
    """Everything in one notebook's section of the guide that the notebook and its checks contradict."""
    problems = []
    module = checks_module(nb)
    hints = set(module.HINTS)
    blocks = exercise_blocks(nb)
    where = f"{nb}'s section"

    for name in sorted(set(CHECK_NAME.findall(section))):
        if name not in public_checks():
            problems.append(f"{where} names {name}, which gu.checks does not have")
        elif not callable(getattr(module, name, None)):
            problems.append(f"{where} names {name}, which is not one of notebook {nb}'s checks")
    for name in sorted(set(HINT_CALL.findall(section))):
        if name not in hints:
            problems.append(f"{where} cites the hint {name!r}, not in nb{nb}.HINTS {sorted(hints)}")

    outside = OTHER_NOTEBOOK_CITE.sub("", section)  # "02's exercise 4" is checked against 02 below
    for cited in EXERCISE_CITE.findall(outside):
        for n in numbers(cited):
            if n not in blocks:
                problems.append(f"{where} cites exercise {n}; notebook {nb} has exercises {sorted(blocks)}")
    for other, cited in OTHER_NOTEBOOK_CITE.findall(section):
        problems += cite_problems(other, cited, where)

    for first, _ in table_rows(section):
        names = BACKTICKS.findall(first)
        checks = [n for n in names if n.startswith("check_")]
        for name in names:
            if not name.startswith("check_") and name not in hints:
                problems.append(f"{where}: the table row {first!r} names {name!r}, not a check and not in nb{nb}.HINTS")
        numbered = re.match(rf"(?:ex\.|exercises?)?\s*({NUMBERS})\b", first, re.IGNORECASE)
        if numbered:  # "ex. 2: `check_x`", and the bare "2 `check_x`" of older guides
            cited = numbers(numbered.group(1))
            absent = [n for n in cited if n not in blocks]
            if absent:
                problems.append(f"{where}: the table row {first!r} cites exercise(s) {absent}; notebook {nb} has "
                                f"{sorted(blocks)}")
                continue
            region, place = "".join(blocks[n] for n in cited), "exercise " + ", ".join(map(str, cited))
        else:
            region, place = before_exercises(nb), "the lesson (before its Exercises)"
        if not checks:
            problems.append(f"{where}: the table row {first!r} names no check")
        for name in checks:
            if f"{name}(" not in region:
                problems.append(f"{where}: the table row {first!r} puts {name} in {place}, where notebook {nb} "
                                f"does not call it")

    text = squeeze(source(nb))
    for quoted in BACKTICKS.findall(section):
        if re.search(r"\d", quoted) and squeeze(quoted) not in text:
            problems.append(f"{where} quotes `{quoted}`, which notebook {nb}'s source does not contain")

    header = ABOUT.search(source(nb)[: source(nb).index("## 1.")])
    time_line = re.search(r"\*\*Time\.\*\*(.*?)(?:\n\n|\Z)", section, re.DOTALL)
    if header is None:
        problems.append(f"notebook {nb}'s header gives no 'about ...' running time")
    elif time_line is None:
        problems.append(f"{where} has no **Time.** paragraph")
    else:
        said = " ".join(time_line.group(1).split())
        rest = source(nb)[header.start():]
        line = rest[: rest.find(".\n") + 1]  # the header's sentence, which may run over two lines
        if header.group(0).lower() not in said.lower():
            problems.append(f"{where}'s time does not repeat the header's {header.group(0)!r}: {said[:120]!r}")
        for seconds in re.findall(r"\b(\d+) s\b", line):  # "(65 s on 2 CPU cores ...)" in the header
            if f"{seconds} s" not in said:
                problems.append(f"{where}'s time does not give the header's {seconds} s: {said[:120]!r}")
    return problems


def cite_problems(nb: str, cited: str, where: str) -> list[str]:
    if nb not in NOTEBOOKS:
        return [f"{where} cites exercises of notebook {nb}, which does not exist"]
    blocks = exercise_blocks(nb)
    return [f"{where} cites {nb}'s exercise {n}; notebook {nb} has exercises {sorted(blocks)}"
            for n in numbers(cited) if n not in blocks]


def problems(text: str) -> list[str]:
    """Every stale quotation in a guide: the notebook sections, the session plans and the hint ladder."""
    found = []
    notebook_sections = sections(text)
    missing = [nb for nb in NOTEBOOKS if nb not in notebook_sections]
    if missing:
        found.append(f"no section for notebook(s) {missing}")
    for nb, section in notebook_sections.items():
        found += section_problems(nb, section)
    plans = text[text.index("## 3. Session plans"):text.index("## 4.")] if "## 3. Session plans" in text else ""
    if not plans:
        found.append("no '## 3. Session plans' section")
    for nb, cited in OTHER_NOTEBOOK_CITE.findall(plans):
        found += cite_problems(nb, cited, "the session plans")
    return found


def hint_problems(text: str) -> list[str]:
    """The guide must describe the hint ladder as gan_utils.checks.hints has it: four levels, and a cap."""
    hints = importlib.import_module("gan_utils.checks.hints")
    found = [f"the guide does not name hint level {i} ({name!r})"
             for i, name in enumerate(hints.LEVEL_NAMES, 1) if name not in text]
    for needed in ("max_hint_level", hints.MAX_HINT_ENV, f"Hint 1/{hints.LEVELS}"):
        if needed not in text:
            found.append(f"the guide never mentions {needed}")
    for match in re.finditer(r"\blevels? (\d)\b", text):
        if int(match.group(1)) > hints.LEVELS:
            found.append(f"the guide speaks of hint level {match.group(1)}; there are {hints.LEVELS}")
    return found


# ----- the guide itself ----------------------------------------------------------------------------

def test_every_notebook_section_quotes_its_notebook_as_it_is():
    found = problems(guide_text())
    assert not found, f"{GUIDE} is stale:\n" + "\n".join(found)


def test_the_hint_ladder_is_described_with_its_four_levels_and_its_cap():
    found = hint_problems(guide_text())
    assert not found, f"{GUIDE}:\n" + "\n".join(found)


def test_the_k5_toy_is_not_said_to_follow_the_jsd():
    text = guide_text()
    assert "estimate of the JSD gradient" not in " ".join(text.split()), \
        "the k = 5 toy trains the non-saturating loss, whose gradient is that of KL(p_g || p_data) - 2 JSD"
    assert r"\mathrm{KL}(p_g\|p_{data}) - 2\,\mathrm{JSD}" in sections(text)["02"]


# ----- the checker catches what it should ----------------------------------------------------------

SECTION = "### {nb} · A notebook\n\n**Time.** {time}\n\n{body}\n\n## 3. Session plans\n\n## 4. End\n"


@pytest.mark.parametrize("nb, body, expected", [
    ("04", "Exercise 4 (open): `lr_d / lr_g = 5`, two 300-step runs.", "quotes `lr_d / lr_g = 5`"),
    ("03", "| bug 5 `generator_step` | D's weights changed |", "'generator_step', not a check"),
    ("03", "Ask for `gu.checks.check_discriminator(model)`.", "gu.checks does not have"),
    ("03", "Homework: exercise 7.", "cites exercise 7"),
    ("02", "| 4 `check_optimal_discriminator` | a constant ½ |", "does not call it"),
    ("01", "| ex. 2: `check_softplus_derivative` | softplus itself |", "does not call it"),
    ("00", "See `gu.checks.check_bce_loss`.", "not one of notebook 00's checks"),
    ("05", "Then `gu.checks.hint(\"fid\")`.", "cites the hint 'fid'"),
])
def test_the_checker_flags_stale_quotations(nb, body, expected):
    header = ABOUT.search(source(nb)).group(0)
    found = section_problems(nb, SECTION.format(nb=nb, time=header, body=body))
    assert any(expected in problem for problem in found), found


def test_the_checker_flags_a_stale_time_and_a_missing_exercise_in_a_plan():
    assert any("does not repeat the header" in p for p in section_problems("03", SECTION.format(
        nb="03", time="8 min (473 s) on 2 CPU cores.", body="")))
    assert cite_problems("02", "1-6", "plan") == ["plan cites 02's exercise 6; notebook 02 has exercises [1, 2, 3, 4, 5]"]


def test_exercise_numbers_read_from_the_sources():
    assert numbers("1-3") == [1, 2, 3] and numbers("2, 4 and 5") == [2, 4, 5] and numbers("1 and 2") == [1, 2]
    for nb in NOTEBOOKS:
        blocks = exercise_blocks(nb)
        assert sorted(blocks) == list(range(1, len(blocks) + 1)) and len(blocks) >= 4, (nb, sorted(blocks))
