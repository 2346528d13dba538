"""Wallet signatures: what an address looks like, what a wallet signs, and the check.

The flow is Clerk's (fapi-protocol.md §7.3): prepare hands out a message, the wallet
signs it, attempt sends the signature, and the server proves the signature came from
the wallet's key by *recovering* the signer (EVM, EIP-191 ``personal_sign``) or by
*verifying* it against the address, which is the key (Solana, ed25519).

Clerk's own message text is not published, so the mock writes a Sign-In-With-Ethereum
message (EIP-4361) itself: it binds the signature to this site (domain, URI), to one
address and chain, to a fresh single-use nonce and to an expiry, which is exactly what
makes a signature useless anywhere else or later. Solana wallets get the same text with
"Solana account" (the layout Sign-In-With-Solana also uses). The ``siwe`` package is not
used: it pins an old eth-account and breaks on current ``abnf``.

The Ethereum stack is imported on first use: eth-account alone takes 0.7-1.8 s to import,
which every server start and test process would otherwise pay for a strategy it may
never see.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mock_server.config import Config
from mock_server.domain import verification
from mock_server.domain.models import Verification
from mock_server.errors import CommittedFapiError, FapiError
from mock_server.runtime import Runtime

WalletKind = Literal["evm", "solana"]

EVM_STRATEGIES = frozenset(
    {
        "web3_metamask_signature",
        "web3_coinbase_wallet_signature",
        "web3_okx_wallet_signature",
        "web3_base_signature",
    }
)
SOLANA_STRATEGIES = frozenset({"web3_solana_signature"})
STRATEGIES = EVM_STRATEGIES | SOLANA_STRATEGIES

_EVM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_BASE58 = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,44}$")


def kind_of(address: str) -> WalletKind | None:
    """``evm`` for a 0x address (mixed case must be a valid EIP-55 checksum), ``solana``
    for a base58 string that decodes to a 32-byte ed25519 key, else None."""
    if _EVM.match(address):
        from eth_utils.address import is_checksum_address

        body = address[2:]
        mixed = body != body.lower() and body != body.upper()
        return None if mixed and not is_checksum_address(address) else "evm"
    if _BASE58.match(address) and len(base58.b58decode(address)) == 32:
        return "solana"
    return None


def normalize(address: str) -> str:
    """The index key: EVM addresses are case-insensitive, base58 is not."""
    address = address.strip()
    return address.lower() if kind_of(address) == "evm" else address


def strategy_kind(strategy: str) -> WalletKind:
    return "solana" if strategy in SOLANA_STRATEGIES else "evm"


def fits(strategy: str, address: str) -> bool:
    """Whether ``strategy`` can sign for ``address`` (no Solana signature for 0x...)."""
    return strategy in STRATEGIES and kind_of(address) == strategy_kind(strategy)


def enabled_strategies(config: Config, address: str) -> list[str]:
    if not config.web3.enabled:
        return []
    return [s for s in config.web3.strategies if fits(s, address)]


def _iso(epoch_ms: int) -> str:
    stamp = datetime.fromtimestamp(epoch_ms / 1000, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def build_message(
    config: Config, address: str, strategy: str, nonce: str, issued_at: int, expire_at: int
) -> str:
    """An EIP-4361 message (https://eips.ethereum.org/EIPS/eip-4361), field for field."""
    settings = config.web3
    uri = settings.uri or config.instance.home_url
    domain = settings.domain or urlsplit(uri).netloc
    solana = strategy_kind(strategy) == "solana"
    chain = settings.solana_chain_id if solana else str(settings.evm_chain_id)
    return (
        f"{domain} wants you to sign in with your {'Solana' if solana else 'Ethereum'} account:\n"
        f"{address}\n"
        "\n"
        f"{settings.statement}\n"
        "\n"
        f"URI: {uri}\n"
        "Version: 1\n"
        f"Chain ID: {chain}\n"
        f"Nonce: {nonce}\n"
        f"Issued At: {_iso(issued_at)}\n"
        f"Expiration Time: {_iso(expire_at)}"
    )


def recover_evm_signer(message: str, signature: str) -> str | None:
    """The address whose key made this EIP-191 ``personal_sign`` signature, or None."""
    from eth_account import Account
    from eth_account.messages import encode_defunct

    try:
        return str(Account.recover_message(encode_defunct(text=message), signature=signature))
    except Exception:  # malformed hex, wrong length, invalid v/r/s: all "not signed"
        return None


def solana_signature_valid(address: str, message: str, signature: str) -> bool:
    """ed25519 over the UTF-8 message; clerk-js sends the signature as standard base64."""
    try:
        raw = base64.b64decode(signature, validate=True)
        key = Ed25519PublicKey.from_public_bytes(base58.b58decode(address))
        key.verify(raw, message.encode())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def signed_by(strategy: str, address: str, message: str, signature: str) -> bool:
    if strategy_kind(strategy) == "solana":
        return solana_signature_valid(address, message, signature)
    signer = recover_evm_signer(message, signature)
    return signer is not None and signer.lower() == address.lower()


def issue(rt: Runtime, strategy: str, address: str) -> Verification:
    """A fresh message with a new nonce; whatever was handed out before is dropped."""
    now = rt.now()
    expire_at = now + rt.config.web3.nonce_ttl_seconds * 1000
    nonce = rt.rng.bytes(12).hex()  # EIP-4361 wants >= 8 alphanumerics
    return Verification(
        strategy=strategy,
        status="unverified",
        attempts=0,
        expire_at=expire_at,
        secret=nonce,
        nonce=nonce,
        message=build_message(rt.config, address, strategy, nonce, now, expire_at),
        sent_at=now,
        target_id=address,
    )


def attempt(rt: Runtime, v: Verification | None, strategy: str, signature: str | None) -> None:
    """Check ``signature`` over the message ``v`` handed out; verify ``v`` or raise.

    The nonce is single use: once verified, the same message and signature are refused
    (``verification_already_verified``); a new prepare issues a new message, so an old
    signature recovers to another address and is refused as incorrect. Wrong signatures
    count as attempts, up to the instance's limit.
    """
    if v is None or v.strategy != strategy or v.message is None or v.target_id is None:
        raise FapiError.of("verification_missing")
    verification.check_usable(rt, v)
    if not signature:
        raise FapiError.of("form_param_missing", param="signature")
    if v.secret is not None and signed_by(strategy, v.target_id, v.message, signature):
        v.status = "verified"
        v.secret = None
        return
    v.attempts += 1
    if v.attempts >= rt.config.verification.max_attempts:
        v.status = "failed"
        raise CommittedFapiError.wrap(FapiError.of("verification_failed"))
    raise CommittedFapiError.wrap(FapiError.of("form_incorrect_signature", param="signature"))
