"""The README's tour runs as printed: every command of its console blocks, in
order, in a folder holding the seeds, prints what the README shows ("..."
stands for lines left out)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow


def tour() -> list[tuple[str, list[str]]]:
    """(command, the lines the README shows it printing) of each console block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
    return steps


def shown(expected: list[str]) -> re.Pattern[str]:
    parts = [r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected]
    return re.compile("".join(parts) + (r"(?:.*\n)*\Z" if expected[-1] == "..." else r"\Z"))


def test_the_tour_has_the_commands_a_newcomer_runs():
    commands = [command.split()[:2] for command, _ in tour()]
    assert ["archive", "import"] in commands and ["archive", "clean"] in commands
    assert ["archive", "entities"] in commands


def test_every_command_of_the_tour_prints_what_the_readme_shows(tmp_path):
    (tmp_path / "seeds").symlink_to(SEEDS)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command, expected in tour():
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        printed = "\n".join(line.rstrip() for line in done.stdout.splitlines()) + ("\n" if done.stdout else "")
        if expected:
            assert shown(expected).fullmatch(printed), f"{command} printed:\n{printed}"
