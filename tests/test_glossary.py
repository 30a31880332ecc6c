"""docs/glossary.md: sorted, linked from the README and every notebook, each pointer naming the term's first use."""
from __future__ import annotations

import re

from conftest import REPO, load_tool

glossary = load_tool("glossary")


def _key(title: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", title.lower().replace("é", "e"))


def test_the_entries_are_in_alphabetical_order():
    titles = [title for title, _ in glossary.entries()]
    assert titles == sorted(titles, key=_key), "docs/glossary.md's terms are not in alphabetical order"


def test_the_course_s_basic_terms_have_entries():
    titles = {title.split(" (")[0].split(" $")[0] for title, _ in glossary.entries()}
    for term in ("GAN", "Generator", "Discriminator", "Dirac-GAN", "Logit", "Mode collapse"):
        assert term in titles, f"no glossary entry for {term}"


def test_every_pointer_names_an_existing_heading_where_the_term_is_first_used():
    found = glossary.problems()
    assert not found, "stale glossary pointers (python tools/glossary.py fix rewrites them):\n" + "\n".join(found)


def test_the_pointers_are_checked_against_real_headings():
    sections = glossary.sections()
    assert len(sections) > 40 and all(text is not None for *_, text in sections)
    use = glossary.first_use("Sigmoid", sections)
    assert use is not None and use[0] == "01", use


def test_the_readme_and_every_notebook_link_the_glossary():
    assert "docs/glossary.md" in (REPO / "README.md").read_text()
    for path in sorted((REPO / "notebooks" / "src").glob("[0-9][0-9]_*.py")):
        assert "../docs/glossary.md" in path.read_text(), f"{path.stem} never links the glossary"
