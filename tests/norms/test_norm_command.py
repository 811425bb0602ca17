"""``normmonitor norm ...`` on the command line."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH, NormFileError, read_norm_file

DATA_DIR = Path(__file__).parent / "data"
BROKEN_DIR = DATA_DIR / "broken"
WATERSCHAP_PATH = DATA_DIR / "voorbeeldnorm-waterschap.yaml"


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("norm", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_validate_ok():
    out, _ = run("validate", str(FLEVOLANDSE_NORM_PATH), str(WATERSCHAP_PATH))
    assert "OK" in out
    assert "flevolandse-norm 1.0: 4 themes, 22 ambitions, 39 requirements" in out
    assert "voorbeeldnorm-waterschap 2024.1: 5 themes" in out


@pytest.mark.parametrize("path", sorted(BROKEN_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_validate_names_every_problem(path):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("norm", "validate", str(path), stdout=out, stderr=err)
    with pytest.raises(NormFileError) as caught:
        read_norm_file(path)
    lines = err.getvalue().splitlines()
    assert lines == [problem.format(str(path)) for problem in caught.value.problems]
    assert all(line.startswith(f"{path}:") for line in lines)


def test_validate_exits_non_zero_from_the_shell():
    path = BROKEN_DIR / "duplicate-codes.yaml"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "normmonitor.conf.test"}
    completed = subprocess.run(
        [sys.executable, "-m", "normmonitor", "norm", "validate", str(path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode != 0
    assert f"{path}:22: themes[1].code: duplicate theme code '1'" in completed.stderr
    assert completed.stderr.count(f"{path}:") == 5


@pytest.mark.django_db
def test_load_show_and_list():
    out, _ = run("load", str(FLEVOLANDSE_NORM_PATH))
    assert "created" in out
    out, _ = run("load", str(FLEVOLANDSE_NORM_PATH))
    assert "unchanged" in out

    out, _ = run("show", "flevolandse-norm", "--json")
    tree = json.loads(out)
    assert tree["key"] == "flevolandse-norm"
    assert len(tree["themes"]) == 4
    assert sum(len(theme["requirements"]) for theme in tree["themes"]) == 22
    r35 = tree["themes"][2]["requirements"][4]
    assert r35["code"] == "3.5" and len(r35["children"]) == 9
    assert tree["scale"][1] == {
        "code": "gedeeltelijk",
        "label": "Gedeeltelijk behaald",
        "achieved": False,
        "weight": 0.5,
        "not_applicable": False,
        "description": "",
    }

    out, _ = run("show", "flevolandse-norm", "--version", "1.0")
    assert out.startswith("Flevolandse Norm 1.0")
    assert "    3.2.2 A  (horeca-)inrichtingen;" in out
    assert "— Opiumwet (Wet Damocles)" in out

    out, _ = run("list")
    assert "flevolandse-norm  1.0  rev 1  2021-05-20  39 requirements" in out


@pytest.mark.django_db
def test_load_of_a_broken_file_loads_nothing():
    from normmonitor.norms.models import NormVersion

    with pytest.raises(CommandError):
        run("load", str(WATERSCHAP_PATH), str(BROKEN_DIR / "bad-subset.yaml"))
    assert NormVersion.objects.count() == 0


@pytest.mark.django_db
def test_show_unknown_norm():
    with pytest.raises(CommandError, match="No norm 'onbekend'"):
        run("show", "onbekend")


@pytest.mark.django_db
def test_loading_from_the_command_line_is_in_the_audit_trail():
    from normmonitor.audit.models import AuditEvent

    call_command("norm", "load", str(FLEVOLANDSE_NORM_PATH), stdout=StringIO())
    event = AuditEvent.objects.get(name="norm.loaded")
    assert event.actor is None and event.data["norm"] == "flevolandse-norm"
    call_command("norm", "load", str(FLEVOLANDSE_NORM_PATH), stdout=StringIO())
    assert AuditEvent.objects.filter(name="norm.loaded").count() == 1  # unchanged: no event
