"""Library first: each command is one call of a function `strategyscan` exports, and the
README's command table lists exactly the commands `--help` shows."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import strategyscan as ss
from strategyscan.cli import app
from strategyscan.paths import REPO

runner = CliRunner()


def _commands_in_help() -> set[str]:
    out = runner.invoke(app, ["--help"]).output
    return set(re.findall(r"^│ (\w+)\s{2,}", out, flags=re.M))


def test_the_readme_command_table_is_the_cli():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| [^|]+ \| `strategyscan (\w+)", readme, flags=re.M))
    assert table and table == _commands_in_help()


@pytest.mark.parametrize("command,function", [("ingest", "ingest"), ("tag", "tag"), ("compare", "compare"),
                                              ("run", "run"), ("train", "train"), ("evaluate", "evaluate"),
                                              ("explain", "explain"), ("suggest", "suggest")])
def test_every_command_has_its_function(command, function):
    assert command in _commands_in_help()
    assert callable(getattr(ss, function))


def test_explain_gives_what_the_command_prints():
    text = "Those who attack us will face consequences."
    said = ss.explain(text)[0]
    printed = " ".join(runner.invoke(app, ["explain", text]).output.split())
    for lab in said.labels:
        verdict = "yes" if lab.decided else "no"
        assert f"{lab.label} p={lab.probability:.2f} (threshold {lab.threshold:.2f}) {verdict}" in printed
    assert said.model_id in printed and any(lab.terms for lab in said.labels)


def test_explain_refuses_a_bad_top():
    with pytest.raises(ValueError, match="top must be at least 1"):
        ss.explain("text", top=0)
