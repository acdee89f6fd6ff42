"""The README's CLI reference and schema are generated from the code and must not drift."""

import subprocess
import sys

import pytest

from archive.cli import cli

from .conftest import ROOT


def test_readme_is_up_to_date():
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "README.md is stale: run .venv/bin/cog -r README.md\n" + result.stderr


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_command_has_help_and_docs(name):
    assert cli.commands[name].help
    assert f"### archive {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
