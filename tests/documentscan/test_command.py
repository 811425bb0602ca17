"""normmonitor documentscan FILE --norm KEY [--json] (and its alias 'scan', see the module)."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from normmonitor.norms.normfile import FLEVOLANDSE_NORM_PATH

from .conftest import CORPUS


@pytest.mark.django_db
def test_json_with_a_loaded_norm(capsys, norm_version):
    call_command(
        "documentscan",
        str(CORPUS / "apv-punt-nummering.txt"),
        "--norm",
        "flevolandse-norm",
        "--json",
    )
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "apv"
    assert result["norm"]["revision"] == norm_version.revision
    assert result["document"]["articles"] == 10
    findings = {f["requirement"]: f for f in result["findings"]}
    assert (findings["3.2.2.A"]["verdict"], findings["3.2.2.A"]["article"]) == ("present", "2.28")
    assert findings["3.2.2.A"]["quote"]["location"] == "2.28a"
    assert findings["3.2.5"]["verdict"] == "risk"
    assert "ECLI:NL:HR:2021:1946" in findings["3.2.5"]["why"]


@pytest.mark.django_db
def test_text_output_with_a_norm_file_and_a_kind(capsys):
    call_command(
        "documentscan",
        str(CORPUS / "damocles-oud.txt"),
        "--norm",
        str(FLEVOLANDSE_NORM_PATH),
        "--kind",
        "damocles",
    )
    out = capsys.readouterr().out
    assert "3.7" in out and "partial" in out and "artikel 2" in out
    assert "voorbereidingshandelingen" in out


@pytest.mark.django_db
def test_unloaded_shipped_norm_falls_back_to_its_file(capsys):
    call_command(
        "documentscan", str(CORPUS / "bibob-volledig.txt"), "--norm", "flevolandse-norm", "--json"
    )
    captured = capsys.readouterr()
    assert "not loaded" in captured.err
    assert {f["verdict"] for f in json.loads(captured.out)["findings"]} == {"present"}


@pytest.mark.django_db
def test_errors(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("documentscan", str(tmp_path / "missing.pdf"), "--norm", "flevolandse-norm")
    unknown = tmp_path / "notes.txt"
    unknown.write_text("Notulen\n\nEr is vergaderd.\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--kind"):
        call_command("documentscan", str(unknown), "--norm", "flevolandse-norm")
    with pytest.raises(CommandError, match="no norm"):
        call_command("documentscan", str(CORPUS / "apv-oud-model.txt"), "--norm", "other-norm")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"MZ\x90\x00" * 20)
    with pytest.raises(CommandError, match="not accepted"):
        call_command("documentscan", str(bad), "--norm", "flevolandse-norm")
