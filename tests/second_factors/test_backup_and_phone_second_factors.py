"""Backup codes (each works once, stored hashed) and phone/email codes as second factors."""

from __future__ import annotations

from typing import Any

from tests.second_factors.conftest import TOTP_SECRET, Browser, Mock


def _attempt2(b: Browser, si: dict[str, Any], **data: str) -> Any:
    return b.post(f"/v1/client/sign_ins/{si['id']}/attempt_second_factor", data)


def test_each_backup_code_works_once(mock: Mock) -> None:
    mock.user(
        email_addresses=["di@example.com"],
        totp_secret=TOTP_SECRET,
        backup_codes=["aaaa1111", "bbbb2222"],
    )
    first = mock.browser()
    si = first.sign_in("di@example.com")
    ok = _attempt2(first, si, strategy="backup_code", code="aaaa1111")
    assert ok.status_code == 200
    assert ok.json()["response"]["status"] == "complete"

    again = mock.browser()
    si2 = again.sign_in("di@example.com")
    used = _attempt2(again, si2, strategy="backup_code", code="aaaa1111")
    assert used.status_code == 422
    assert used.json()["errors"][0]["code"] == "form_code_incorrect"
    assert _attempt2(again, si2, strategy="backup_code", code="bbbb2222").status_code == 200

    # The store never holds a plain code.
    state = mock.admin("GET", "/state")
    assert "aaaa1111" not in str(state)
    assert "bbbb2222" not in str(state)


def test_regenerated_backup_codes_replace_the_old_ones(mock: Mock) -> None:
    mock.user(
        email_addresses=["ed@example.com"], totp_secret=TOTP_SECRET, backup_codes=["old11111"]
    )
    b = mock.browser()
    si = b.sign_in("ed@example.com")
    assert _attempt2(b, si, strategy="totp", code=mock.totp()).status_code == 200
    codes = b.ok("POST", "/v1/me/backup_codes")["response"]["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    other = mock.browser()
    si2 = other.sign_in("ed@example.com")
    assert _attempt2(other, si2, strategy="backup_code", code="old11111").status_code == 422
    assert _attempt2(other, si2, strategy="backup_code", code=codes[3]).status_code == 200


def test_backup_codes_need_another_second_factor(mock: Mock) -> None:
    mock.user(email_addresses=["fi@example.com"])
    b = mock.browser()
    b.sign_in("fi@example.com")
    refused = b.post("/v1/me/backup_codes")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "backup_codes_not_available"


def test_phone_code_as_second_factor(mock: Mock) -> None:
    mock.user(email_addresses=["gu@example.com"], second_factor_phone_numbers=["+14155550342"])
    b = mock.browser()
    si = b.sign_in("gu@example.com")
    assert si["status"] == "needs_second_factor"
    [factor] = si["supported_second_factors"]
    assert factor["strategy"] == "phone_code"
    assert factor["default"] is True
    # No code sent yet: attempting first is refused.
    early = _attempt2(b, si, strategy="phone_code", code="123456")
    assert early.json()["errors"][0]["code"] == "verification_missing"
    prepared = b.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/prepare_second_factor",
        {"strategy": "phone_code", "phone_number_id": factor["phone_number_id"]},
    )["response"]
    assert prepared["second_factor_verification"]["status"] == "unverified"
    code = mock.latest_code("+14155550342")
    wrong = _attempt2(b, si, strategy="phone_code", code="000000" if code != "000000" else "111111")
    assert wrong.status_code == 422
    done = _attempt2(b, si, strategy="phone_code", code=code)
    assert done.status_code == 200
    assert done.json()["response"]["status"] == "complete"
    assert done.json()["response"]["second_factor_verification"]["attempts"] == 1


def test_totp_needs_no_prepare(mock: Mock) -> None:
    mock.user(email_addresses=["ha@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("ha@example.com")
    refused = b.post(f"/v1/client/sign_ins/{si['id']}/prepare_second_factor", {"strategy": "totp"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "verification_strategy_invalid"


def test_strategy_the_user_lacks_is_refused(mock: Mock) -> None:
    mock.user(email_addresses=["io@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("io@example.com")
    r = _attempt2(b, si, strategy="backup_code", code="whatever")
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "no_second_factors"


def test_email_code_as_second_factor_when_enabled(make_mock: Any) -> None:
    mock = make_mock(strategies={"second_factors": ["totp", "email_code"]})
    mock.user(email_addresses=["jo@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("jo@example.com")
    strategies = [f["strategy"] for f in si["supported_second_factors"]]
    assert strategies == ["totp", "email_code"]
    email_id = si["supported_second_factors"][1]["email_address_id"]
    b.ok(
        "POST",
        f"/v1/client/sign_ins/{si['id']}/prepare_second_factor",
        {"strategy": "email_code", "email_address_id": email_id},
    )
    code = mock.latest_code("jo@example.com")
    assert _attempt2(b, si, strategy="email_code", code=code).status_code == 200


def test_wrong_second_factor_codes_lock_the_verification(mock: Mock) -> None:
    mock.user(email_addresses=["ka@example.com"], totp_secret=TOTP_SECRET)
    b = mock.browser()
    si = b.sign_in("ka@example.com")
    limit = mock.state.runtime.config.verification.max_attempts
    codes = [_attempt2(b, si, strategy="totp", code="000000").json() for _ in range(limit)]
    assert codes[-2]["errors"][0]["code"] == "form_code_incorrect"
    assert codes[-1]["errors"][0]["code"] == "verification_failed"
    # Even the right code is refused now: the verification failed for good.
    final = _attempt2(b, si, strategy="totp", code=mock.totp())
    assert final.json()["errors"][0]["code"] == "verification_failed"
