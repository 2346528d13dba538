"""The rules behind web3 sign-in: address formats, the message, the signature check."""

from __future__ import annotations

import re

import base58
from eth_keys.backends import get_backend
from eth_utils.address import to_checksum_address
from hypothesis import given, settings
from hypothesis import strategies as st

from fixtures.wallets import EvmWallet, SolanaWallet
from mock_server.config import load_config
from mock_server.domain import web3

ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def test_recovery_uses_coincurve() -> None:
    # eth-keys falls back to a pure-Python backend ~25x slower when coincurve is missing.
    assert type(get_backend()).__name__ == "CoinCurveECCBackend"


@given(st.binary(min_size=20, max_size=20))
def test_every_evm_address_form_is_recognised(raw: bytes) -> None:
    checksummed = to_checksum_address(raw)
    assert web3.kind_of(checksummed) == "evm"
    assert web3.kind_of(checksummed.lower()) == "evm"
    assert web3.normalize(checksummed) == checksummed.lower()


@given(st.binary(min_size=20, max_size=20), st.integers(min_value=0, max_value=39))
def test_a_checksum_typo_is_not_an_address(raw: bytes, position: int) -> None:
    address = to_checksum_address(raw)
    body = list(address[2:])
    if not body[position].isalpha():
        return
    body[position] = body[position].swapcase()
    typo = "0x" + "".join(body)
    mixed = typo[2:] not in (typo[2:].lower(), typo[2:].upper())
    assert web3.kind_of(typo) == (None if mixed else "evm")


@given(st.binary(min_size=32, max_size=32))
def test_a_base58_ed25519_key_is_a_solana_address(raw: bytes) -> None:
    address = base58.b58encode(raw).decode()
    assert web3.kind_of(address) == ("solana" if len(address) >= 32 else None)
    assert web3.normalize(address) == address


@given(st.binary(min_size=1, max_size=48).filter(lambda b: len(b) != 32))
def test_other_lengths_are_not_solana_addresses(raw: bytes) -> None:
    assert web3.kind_of(base58.b58encode(raw).decode()) is None


def test_the_message_is_an_eip4361_message() -> None:
    config = load_config(web3={"domain": "app.example", "uri": "https://app.example/sign-in"})
    address = EvmWallet("m").address
    message = web3.build_message(
        config, address, "web3_base_signature", "abc12345", 1_700_000_000_000, 1_700_000_600_000
    )
    lines = message.split("\n")
    assert lines[0] == "app.example wants you to sign in with your Ethereum account:"
    assert lines[1] == address
    assert lines[2] == ""
    assert lines[4] == ""
    assert lines[3] == config.web3.statement
    assert lines[5:8] == ["URI: https://app.example/sign-in", "Version: 1", "Chain ID: 1"]
    assert lines[8] == "Nonce: abc12345"
    assert re.fullmatch(f"Issued At: {ISO}", lines[9])
    assert lines[10] == "Expiration Time: 2023-11-14T22:23:20.000Z"
    solana = web3.build_message(
        config, SolanaWallet("m").address, "web3_solana_signature", "abc12345", 0, 1
    )
    assert "Solana account" in solana
    assert "Chain ID: mainnet" in solana


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_only_the_wallets_own_key_signs_for_it(message: str) -> None:
    evm, other_evm = EvmWallet("signer"), EvmWallet("other")
    strategy = "web3_metamask_signature"
    assert web3.signed_by(strategy, evm.address, message, evm.personal_sign(message))
    assert not web3.signed_by(strategy, evm.address, message, other_evm.personal_sign(message))
    assert not web3.signed_by(strategy, evm.address, message + "!", evm.personal_sign(message))
    sol, other_sol = SolanaWallet("signer"), SolanaWallet("other")
    solana = "web3_solana_signature"
    assert web3.signed_by(solana, sol.address, message, sol.sign_message(message))
    assert not web3.signed_by(solana, sol.address, message, other_sol.sign_message(message))
    assert not web3.signed_by(solana, sol.address, message + "!", sol.sign_message(message))


def test_strategies_fit_their_chain_only() -> None:
    evm, sol = EvmWallet("f").address, SolanaWallet("f").address
    assert web3.fits("web3_okx_wallet_signature", evm)
    assert not web3.fits("web3_solana_signature", evm)
    assert web3.fits("web3_solana_signature", sol)
    assert not web3.fits("web3_coinbase_wallet_signature", sol)
    assert not web3.fits("password", evm)
