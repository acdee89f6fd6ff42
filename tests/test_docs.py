"""The README's CLI reference and schema are generated from the code and must not drift."""

import pytest
from cogapp import Cog

from archive.cli import cli

from .conftest import ROOT


def test_readme_is_up_to_date(capsys):
    # In this process: the README's evaluation table is the run the entity tests read.
    status = Cog().main(["cog", "--check", str(ROOT / "README.md")])
    assert status == 0, "README.md is stale: run .venv/bin/cog -r README.md\n" + capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_docs(name):
    assert cli.commands[name].help
    assert f"### archive {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
