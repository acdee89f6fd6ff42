"""The README's CLI reference and schema are generated from the code and must not drift."""

import pytest
from cogapp import Cog

from archive.cli import cli

from .conftest import ROOT


@pytest.mark.slow  # it scores the whole gold again, as the entity tests do in their own process
def test_readme_is_up_to_date(capsys):
    # In this process: the README's evaluation table is the run the entity tests read.
    status = Cog().main(["cog", "--check", str(ROOT / "README.md")])
    assert status == 0, "README.md is stale: run .venv/bin/cog -r README.md\n" + capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_docs(name):
    assert cli.commands[name].help
    assert f"### archive {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_cleaning_section_of_benchmarks_is_replaced_alone_and_says_how_it_was_measured():
    from bench import cleaning

    document = ("# Benchmarks\n\n$ make bench\n\n## Cleaning\n\nold table\n\nold note\n\n"
                "## Dates and sources\n\ndates table\n")
    lines = cleaning.refreshed(["## Cleaning", "", "new table"], "abc1234", ["- CPU: Example, 2 cores"])
    replaced = cleaning.replace_section(document, lines)
    assert replaced == ("# Benchmarks\n\n$ make bench\n\n## Cleaning\n\nnew table\n\n"
                        "This section alone was measured again by `make bench-cleaning` at abc1234, on:\n\n"
                        "- CPU: Example, 2 cores\n\n## Dates and sources\n\ndates table\n")
    # The last section of a file is replaced to its end.
    assert cleaning.replace_section("# B\n\n## Cleaning\n\nold\n", ["## Cleaning", "", "new"]) == \
        "# B\n\n## Cleaning\n\nnew\n"
