"""The suites pass against the mock (in-process and over HTTP), the CLI writes its
reports, and a broken mock makes them fail with a message that names the fault."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from suites import report

ROOT = Path(__file__).resolve().parents[2]
SUITES = str(ROOT / "suites")
HERE = Path(__file__).parent


def _run(args: list[str], junit: Path) -> list[report.Row]:
    done = subprocess.run(
        [*args, f"--junitxml={junit}", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert junit.exists(), done.stdout + done.stderr
    return report.rows(junit)


def _failures(found: list[report.Row]) -> list[report.Row]:
    return [r for r in found if r.outcome == "fail"]


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> list[report.Row]:
    junit = tmp_path_factory.mktemp("inproc") / "junit.xml"
    return _run([sys.executable, "-m", "pytest", SUITES], junit)


def test_suites_pass_in_process(in_process: list[report.Row]) -> None:
    assert not _failures(in_process), _failures(in_process)
    assert sum(r.outcome == "pass" for r in in_process) >= 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``fapi-harness serve`` on a free port (test profile: no rate limits), stopped after."""
    config = tmp_path_factory.mktemp("serve") / "mock.toml"
    config.write_text('profile = "test"\n[passwords]\nkdf_log_n = 4\n')
    port = _free_port()
    cli = Path(sys.executable).parent / "fapi-harness"
    proc = subprocess.Popen(
        [
            str(cli),
            "serve",
            "--port",
            str(port),
            "--config",
            str(config),
            "--validate-responses",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(url + "/v1/environment").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_suites_pass_over_http_with_the_same_checks(
    served: str, in_process: list[report.Row], tmp_path: Path
) -> None:
    over_http = _run(
        [sys.executable, "-m", "pytest", SUITES, f"--fapi-target={served}"], tmp_path / "junit.xml"
    )
    assert not _failures(over_http), _failures(over_http)
    assert {(r.capability, r.check) for r in over_http} == {
        (r.capability, r.check) for r in in_process
    }


def test_check_command_writes_junit_and_matrix(tmp_path: Path) -> None:
    junit, matrix = tmp_path / "out.xml", tmp_path / "matrix.md"
    cli = Path(sys.executable).parent / "fapi-harness"
    done = subprocess.run(
        [
            str(cli),
            "check",
            f"--junit={junit}",
            f"--report={matrix}",
            "--",
            "-q",
            "-p",
            "no:randomly",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "FAPI conformance: skipped checks" in done.stdout
    rows = report.rows(junit)
    text = matrix.read_text()
    assert "| capability | check | result | reason |" in text
    assert all(f"`{r.check}`" in text for r in rows)
    page = (tmp_path / "matrix.html").read_text()
    assert page.startswith("<!doctype html>")
    assert "<script" not in page


def test_the_html_matrix_escapes_what_the_target_said() -> None:
    row = report.Row("x", "test_y", "fail", "<script>alert(1)</script>")
    assert "<script>" not in report.html([row], "<b>t</b>")


#: Fault -> (a check that must fail, words its message must contain).
FAULTS = {
    "wrong_error_code": (
        "test_wrong_password_is_refused_and_sign_in_unchanged",
        ["expected error code 'form_password_incorrect'", "form_code_incorrect", "curl"],
    ),
    "missing_field": (
        "test_password_as_first_factor_completes",
        ["does not match schema 'envelopes/sign_in'", "supported_first_factors"],
    ),
    "code_accepted_twice": (
        "test_a_code_is_accepted_once[email_code]",
        ["a used code must not be accepted a second time", "attempt_first_factor"],
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_suites_catch_a_broken_mock(fault: str, tmp_path: Path) -> None:
    check, words = FAULTS[fault]
    found = _run([sys.executable, str(HERE / "broken_mock.py"), fault, SUITES], tmp_path / "j.xml")
    failed = {r.check: r for r in _failures(found)}
    assert check in failed, f"{fault} went unnoticed by {check}"
    junit_text = (tmp_path / "j.xml").read_text()
    for word in words:
        assert word in junit_text, f"the failure of {check} should say {word!r}"
    md, page = report.write(tmp_path / "j.xml", tmp_path / "matrix.md", fault)
    assert f"`{check}` | fail |" in md.read_text()
    assert "reproduce: curl" in page.read_text()


def test_rate_limit_check_runs_against_a_limiting_mock(tmp_path: Path) -> None:
    """The test profile turns limits off (that check skips); with limits on it must pass."""
    config = tmp_path / "limits.toml"
    config.write_text("[passwords]\nkdf_log_n = 4\n[rate_limits]\ncreate_sign_in = 5\n")
    found = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            SUITES,
            f"--fapi-mock-config={config}",
            "-k",
            "rate_limit",
        ],
        tmp_path / "j.xml",
    )
    assert [r.outcome for r in found] == ["pass"], found


def test_black_box_run_skips_only_what_needs_the_admin_api(served: str, tmp_path: Path) -> None:
    """As against real Clerk: users made by sign-up, codes from test mode, admin checks skipped."""
    found = _run(
        [sys.executable, "-m", "pytest", SUITES, f"--fapi-target={served}", "--fapi-black-box"],
        tmp_path / "j.xml",
    )
    assert not _failures(found), _failures(found)
    skipped = [r for r in found if r.outcome == "skip"]
    assert any("/__admin API" in r.detail for r in skipped)
    assert all("/__admin API" in r.detail or "rate limit" in r.detail for r in skipped)
    assert sum(r.outcome == "pass" for r in found) >= 35


def test_strategies_the_target_does_not_enable_are_skipped_with_the_reason(
    tmp_path: Path,
) -> None:
    config = tmp_path / "narrow.toml"
    config.write_text(
        'profile = "test"\n[passwords]\nkdf_log_n = 4\n[strategies]\n'
        'first_factors = ["password", "email_code", "reset_password_email_code", "ticket"]\n'
    )
    found = _run(
        [sys.executable, "-m", "pytest", SUITES, f"--fapi-mock-config={config}"],
        tmp_path / "j.xml",
    )
    assert not _failures(found), _failures(found)
    reasons = {r.detail for r in found if r.outcome == "skip"}
    assert "first factor phone_code is not enabled by this target's /v1/environment" in reasons
    assert "first factor email_link is not enabled by this target's /v1/environment" in reasons
    assert any(r.outcome == "pass" and "email_code" in r.check for r in found)
