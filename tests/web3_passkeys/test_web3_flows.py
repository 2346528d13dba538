"""Web3 sign-up, sign-in and /v1/me/web3_wallets, end to end, with real signatures."""

from __future__ import annotations

from typing import Any

import pytest

from fixtures.wallets import EvmWallet, SolanaWallet
from tests.web3_passkeys.conftest import Browser, Mock, make_app

SIGN_UPS = "/v1/client/sign_ups"
SIGN_INS = "/v1/client/sign_ins"
Wallet = EvmWallet | SolanaWallet

EVM_STRATEGIES = [
    "web3_metamask_signature",
    "web3_coinbase_wallet_signature",
    "web3_okx_wallet_signature",
    "web3_base_signature",
]


def sign(wallet: Wallet, message: str) -> str:
    if isinstance(wallet, EvmWallet):
        return wallet.personal_sign(message)
    return wallet.sign_message(message)


def wallet_sign_up(browser: Browser, wallet: Wallet, strategy: str) -> dict[str, Any]:
    created = browser.ok("POST", SIGN_UPS, data={"web3_wallet": wallet.address})["response"]
    assert created["status"] == "missing_requirements"
    assert created["unverified_fields"] == ["web3_wallet"]
    path = f"{SIGN_UPS}/{created['id']}"
    prepared = browser.ok("POST", path + "/prepare_verification", data={"strategy": strategy})
    message = prepared["response"]["verifications"]["web3_wallet"]["message"]
    signature = sign(wallet, message)
    body = browser.ok(
        "POST",
        path + "/attempt_verification",
        data={"strategy": strategy, "signature": signature},
    )
    return body


def start_wallet_sign_in(browser: Browser, identifier: str, strategy: str) -> tuple[str, str]:
    """create {identifier} -> prepare the wallet factor; returns (sign-in path, message)."""
    created = browser.ok("POST", SIGN_INS, data={"identifier": identifier})["response"]
    factor = next(f for f in created["supported_first_factors"] if f["strategy"] == strategy)
    path = f"{SIGN_INS}/{created['id']}"
    prepared = browser.ok(
        "POST",
        path + "/prepare_first_factor",
        data={"strategy": strategy, "web3_wallet_id": factor["web3_wallet_id"]},
    )["response"]
    verification = prepared["first_factor_verification"]
    assert verification["status"] == "unverified"
    assert verification["nonce"] in verification["message"]
    return path, verification["message"]


CASES = [(EvmWallet("signup-" + s), s) for s in EVM_STRATEGIES] + [
    (SolanaWallet("signup-solana"), "web3_solana_signature")
]


@pytest.mark.parametrize(("wallet", "strategy"), CASES, ids=[s for _, s in CASES])
def test_wallet_sign_up_then_sign_in_reach_an_active_session(
    mock: Mock, wallet: Wallet, strategy: str
) -> None:
    body = wallet_sign_up(mock.browser(), wallet, strategy)
    sign_up = body["response"]
    assert sign_up["status"] == "complete"
    assert sign_up["web3_wallet"] == wallet.address
    assert sign_up["verifications"]["web3_wallet"]["status"] == "verified"
    user = body["client"]["sessions"][0]["user"]
    assert [w["web3_wallet"] for w in user["web3_wallets"]] == [wallet.address]
    assert user["primary_web3_wallet_id"] == user["web3_wallets"][0]["id"]

    fresh = mock.browser()
    path, message = start_wallet_sign_in(fresh, wallet.address, strategy)
    done = fresh.ok(
        "POST",
        path + "/attempt_first_factor",
        data={"strategy": strategy, "signature": sign(wallet, message)},
    )
    assert done["response"]["status"] == "complete"
    session_id = done["response"]["created_session_id"]
    assert done["client"]["last_active_session_id"] == session_id
    assert done["client"]["sessions"][0]["status"] == "active"


def test_evm_identifier_is_case_insensitive_and_lists_every_evm_strategy(mock: Mock) -> None:
    wallet = EvmWallet("case")
    wallet_sign_up(mock.browser(), wallet, "web3_metamask_signature")
    created = mock.browser().ok("POST", SIGN_INS, data={"identifier": wallet.address.lower()})
    strategies = [f["strategy"] for f in created["response"]["supported_first_factors"]]
    assert strategies == EVM_STRATEGIES
    assert "web3_wallet" in created["response"]["supported_identifiers"]


@pytest.fixture
def alice(mock: Mock) -> EvmWallet:
    wallet = EvmWallet("alice-negative")
    wallet_sign_up(mock.browser(), wallet, "web3_metamask_signature")
    return wallet


STRATEGY = "web3_metamask_signature"


def attempt(browser: Browser, path: str, signature: str) -> Any:
    return browser.call(
        "POST", path + "/attempt_first_factor", data={"strategy": STRATEGY, "signature": signature}
    )


def test_a_signature_from_another_key_is_refused(mock: Mock, alice: EvmWallet) -> None:
    browser = mock.browser()
    path, message = start_wallet_sign_in(browser, alice.address, STRATEGY)
    response = attempt(browser, path, EvmWallet("mallory").personal_sign(message))
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "form_incorrect_signature"
    assert response.json()["errors"][0]["meta"]["param_name"] == "signature"


def test_a_signature_over_a_tampered_message_is_refused(mock: Mock, alice: EvmWallet) -> None:
    browser = mock.browser()
    path, message = start_wallet_sign_in(browser, alice.address, STRATEGY)
    tampered = message.replace("Nonce: ", "Nonce: 0")
    assert browser.error(
        422,
        "POST",
        path + "/attempt_first_factor",
        data={"strategy": STRATEGY, "signature": alice.personal_sign(tampered)},
    ) == ("form_incorrect_signature")


def test_a_replayed_signature_is_refused(mock: Mock, alice: EvmWallet) -> None:
    first = mock.browser()
    path, message = start_wallet_sign_in(first, alice.address, STRATEGY)
    signature = alice.personal_sign(message)
    assert attempt(first, path, signature).status_code == 200
    # The same message and signature on a new sign-in: the nonce was single use.
    second = mock.browser()
    new_path, new_message = start_wallet_sign_in(second, alice.address, STRATEGY)
    assert new_message != message
    response = attempt(second, new_path, signature)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "form_incorrect_signature"
    # A second prepare on the same sign-in also retires the first message.
    again = second.ok("POST", new_path + "/prepare_first_factor", data={"strategy": STRATEGY})[
        "response"
    ]["first_factor_verification"]["message"]
    assert attempt(second, new_path, alice.personal_sign(new_message)).status_code == 422
    assert attempt(second, new_path, alice.personal_sign(again)).status_code == 200


def test_an_expired_message_is_refused(mock: Mock, alice: EvmWallet) -> None:
    browser = mock.browser()
    path, message = start_wallet_sign_in(browser, alice.address, STRATEGY)
    mock.advance(mock.state.runtime.config.web3.nonce_ttl_seconds + 1)
    response = attempt(browser, path, alice.personal_sign(message))
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "verification_expired"
    assert browser.ok("GET", path)["response"]["first_factor_verification"]["status"] == "expired"


def test_wrong_signatures_count_until_the_verification_fails(mock: Mock, alice: EvmWallet) -> None:
    browser = mock.browser()
    path, message = start_wallet_sign_in(browser, alice.address, STRATEGY)
    bad = EvmWallet("mallory").personal_sign(message)
    limit = mock.state.runtime.config.verification.max_attempts
    codes = [attempt(browser, path, bad).json()["errors"][0]["code"] for _ in range(limit)]
    assert codes == ["form_incorrect_signature"] * (limit - 1) + ["verification_failed"]
    response = attempt(browser, path, alice.personal_sign(message))
    assert response.json()["errors"][0]["code"] == "verification_failed"


@pytest.mark.parametrize("signature", ["", "0x", "0xzz", "0x" + "00" * 65, "not hex at all"])
def test_malformed_evm_signatures_are_refused(mock: Mock, alice: EvmWallet, signature: str) -> None:
    browser = mock.browser()
    path, _ = start_wallet_sign_in(browser, alice.address, STRATEGY)
    response = attempt(browser, path, signature)
    assert response.status_code == 422
    expected = "form_param_missing" if signature == "" else "form_incorrect_signature"
    assert response.json()["errors"][0]["code"] == expected


def test_a_solana_signature_must_be_base64_of_the_message(mock: Mock) -> None:
    wallet = SolanaWallet("sol-negative")
    wallet_sign_up(mock.browser(), wallet, "web3_solana_signature")
    browser = mock.browser()
    path, message = start_wallet_sign_in(browser, wallet.address, "web3_solana_signature")
    raw_hex = bytes.fromhex("00" * 64).hex()
    for signature in (raw_hex, SolanaWallet("eve").sign_message(message)):
        assert browser.error(
            422,
            "POST",
            path + "/attempt_first_factor",
            data={"strategy": "web3_solana_signature", "signature": signature},
        ) == ("form_incorrect_signature")


@pytest.mark.parametrize(
    "address",
    [
        "0x123",
        "0x" + "g" * 40,
        # EIP-55 mixed case with one letter's case flipped: a typo, not an address
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        "not-a-wallet",
    ],
)
def test_a_badly_formed_wallet_address_is_refused(mock: Mock, address: str) -> None:
    code = mock.browser().error(422, "POST", SIGN_UPS, data={"web3_wallet": address})
    assert code == "form_param_format_invalid"


def test_a_solana_strategy_cannot_sign_for_an_evm_wallet(mock: Mock) -> None:
    browser = mock.browser()
    created = browser.ok("POST", SIGN_UPS, data={"web3_wallet": EvmWallet("x").address})
    path = f"{SIGN_UPS}/{created['response']['id']}/prepare_verification"
    code = browser.error(400, "POST", path, data={"strategy": "web3_solana_signature"})
    assert code == "verification_strategy_invalid"


def test_a_wallet_already_taken_cannot_sign_up_again(mock: Mock, alice: EvmWallet) -> None:
    code = mock.browser().error(422, "POST", SIGN_UPS, data={"web3_wallet": alice.address})
    assert code == "form_identifier_exists"


def test_me_web3_wallets_add_verify_sign_in_and_delete(mock: Mock) -> None:
    mock.seed_user("owner@example.com")
    owner = mock.browser()
    owner.sign_in_with_password("owner@example.com")
    wallet = SolanaWallet("me-wallet")
    added = owner.ok("POST", "/v1/me/web3_wallets", data={"web3_wallet": wallet.address})
    wallet_id = added["response"]["id"]
    assert added["response"]["verification"] is None
    base = f"/v1/me/web3_wallets/{wallet_id}"
    prepared = owner.ok(
        "POST", base + "/prepare_verification", data={"strategy": "web3_solana_signature"}
    )
    message = prepared["response"]["verification"]["message"]
    wrong = owner.error(
        422,
        "POST",
        base + "/attempt_verification",
        data={"signature": SolanaWallet("eve").sign_message(message)},
    )
    assert wrong == "form_incorrect_signature"
    verified = owner.ok(
        "POST", base + "/attempt_verification", data={"signature": wallet.sign_message(message)}
    )
    assert verified["response"]["verification"]["status"] == "verified"
    user = verified["client"]["sessions"][0]["user"]
    assert user["primary_web3_wallet_id"] == wallet_id

    fresh = mock.browser()
    path, msg = start_wallet_sign_in(fresh, wallet.address, "web3_solana_signature")
    done = fresh.ok(
        "POST",
        path + "/attempt_first_factor",
        data={"strategy": "web3_solana_signature", "signature": wallet.sign_message(msg)},
    )
    assert done["response"]["status"] == "complete"

    deleted = owner.ok("DELETE", base)
    assert deleted["response"] == {"object": "web3_wallet", "id": wallet_id, "deleted": True}
    code = mock.browser().error(422, "POST", SIGN_INS, data={"identifier": wallet.address})
    assert code == "form_identifier_not_found"


def test_me_web3_wallets_refuses_bad_and_taken_addresses(mock: Mock, alice: EvmWallet) -> None:
    mock.seed_user("other@example.com")
    browser = mock.browser()
    browser.sign_in_with_password("other@example.com")
    path = "/v1/me/web3_wallets"
    assert browser.error(422, "POST", path, data={"web3_wallet": "0x12"}) == (
        "form_param_format_invalid"
    )
    assert browser.error(422, "POST", path, data={"web3_wallet": alice.address}) == (
        "form_identifier_exists"
    )
    signed_out = mock.browser()
    assert signed_out.call("POST", path, data={"web3_wallet": alice.address}).status_code in (
        401,
        403,
    )


def test_the_environment_publishes_web3_and_disabling_it_refuses_wallets() -> None:
    on = Browser(make_app()).ok("GET", "/v1/environment")
    attribute = on["user_settings"]["attributes"]["web3_wallet"]
    assert attribute["enabled"] is True
    assert "web3_metamask_signature" in attribute["first_factors"]

    off = Browser(make_app(web3={"enabled": False}))
    env = off.ok("GET", "/v1/environment")
    assert env["user_settings"]["attributes"]["web3_wallet"]["enabled"] is False
    assert "web3_metamask_signature" not in env["auth_config"]["first_factors"]
    code = off.error(422, "POST", SIGN_UPS, data={"web3_wallet": EvmWallet("x").address})
    assert code == "form_param_unknown"


def test_a_user_seeded_with_wallets_signs_in_with_the_fixture_wallets(mock: Mock) -> None:
    evm, sol = EvmWallet("seeded"), SolanaWallet("seeded")
    response = mock.admin.post("/__admin/users", json={"web3_wallets": [evm.address, sol.address]})
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["primary_web3_wallet_id"] == user["web3_wallets"][0]["id"]
    assert user["web3_wallets"][1]["verification"]["strategy"] == "admin"
    for wallet, strategy in ((evm, "web3_okx_wallet_signature"), (sol, "web3_solana_signature")):
        browser = mock.browser()
        path, message = start_wallet_sign_in(browser, wallet.address, strategy)
        done = browser.ok(
            "POST",
            path + "/attempt_first_factor",
            data={"strategy": strategy, "signature": sign(wallet, message)},
        )
        assert done["response"]["status"] == "complete"
        assert done["client"]["sessions"][0]["public_user_data"]["identifier"] == evm.address


def test_create_with_identifier_and_strategy_prepares_at_once(mock: Mock, alice: EvmWallet) -> None:
    browser = mock.browser()
    created = browser.ok(
        "POST", SIGN_INS, data={"identifier": alice.address, "strategy": STRATEGY}
    )["response"]
    message = created["first_factor_verification"]["message"]
    assert alice.address in message
    path = f"{SIGN_INS}/{created['id']}"
    assert attempt(browser, path, alice.personal_sign(message)).status_code == 200


def test_a_verified_wallet_message_cannot_be_used_again(mock: Mock) -> None:
    mock.seed_user("again@example.com")
    browser = mock.browser()
    browser.sign_in_with_password("again@example.com")
    wallet = EvmWallet("again")
    wallet_id = browser.ok("POST", "/v1/me/web3_wallets", data={"web3_wallet": wallet.address})[
        "response"
    ]["id"]
    base = f"/v1/me/web3_wallets/{wallet_id}"
    message = browser.ok("POST", base + "/prepare_verification", data={"strategy": STRATEGY})[
        "response"
    ]["verification"]["message"]
    data = {"signature": wallet.personal_sign(message)}
    browser.ok("POST", base + "/attempt_verification", data=data)
    again = browser.error(400, "POST", base + "/attempt_verification", data=data)
    assert again == "verification_already_verified"
    assert browser.ok("GET", base)["response"]["verification"]["status"] == "verified"


def test_a_wallet_sign_up_refuses_a_stale_or_foreign_signature(mock: Mock) -> None:
    wallet = SolanaWallet("signup-stale")
    strategy = "web3_solana_signature"
    browser = mock.browser()
    created = browser.ok("POST", SIGN_UPS, data={"web3_wallet": wallet.address})["response"]
    path = f"{SIGN_UPS}/{created['id']}"

    def message() -> str:
        body = browser.ok("POST", path + "/prepare_verification", data={"strategy": strategy})
        text: str = body["response"]["verifications"]["web3_wallet"]["message"]
        return text

    def attempt_with(signature: str) -> Any:
        data = {"strategy": strategy, "signature": signature}
        return browser.call("POST", path + "/attempt_verification", data=data)

    first = message()
    mock.advance(mock.state.runtime.config.web3.nonce_ttl_seconds + 1)
    stale = attempt_with(wallet.sign_message(first))
    assert stale.json()["errors"][0]["code"] == "verification_expired"
    second = message()
    assert attempt_with(wallet.sign_message(first)).status_code == 422  # old nonce
    assert attempt_with(SolanaWallet("eve").sign_message(second)).status_code == 422
    done = attempt_with(wallet.sign_message(second))
    assert done.json()["response"]["status"] == "complete"
