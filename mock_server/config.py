"""The instance the mock pretends to be, from one TOML file.

Every knob a test might turn lives here, typed and validated (pydantic, with unknown
keys refused so a typo in a config file is an error, not a silently ignored setting).
Defaults describe a Clerk *development* instance in test mode: email, phone and username
identifiers; password, email code, email link and phone code first factors; codes valid
for 10 minutes; Clerk's documented rate limits. ``/v1/environment`` is derived from this,
so the SDK sees exactly what the mock enforces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mock_server.faults import FaultRule

T = TypeVar("T")

Toggle = Literal["on", "off", "required"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InstanceSettings(_Section):
    application_name: str = "fapi-harness mock"
    environment_type: Literal["development", "staging", "production"] = "development"
    id_prefix_entropy: int = Field(default=27, ge=16, le=40)
    single_session_mode: bool = False
    home_url: str = "http://localhost:3000"


class AttributeSettings(_Section):
    """auth_config toggles: which attributes exist and which sign-up requires."""

    email_address: Toggle = "required"
    phone_number: Toggle = "on"
    username: Toggle = "on"
    first_name: Toggle = "off"
    last_name: Toggle = "off"
    password: Toggle = "required"


class SignUpSettings(_Section):
    """Who may sign up, and what they must agree to (Clerk's "Restrictions" and "Legal").

    ``mode``: ``public`` lets anyone sign up; ``restricted`` only holders of an
    invitation (a ``ticket``). Clerk's third mode, ``waitlist``, is not offered: its
    component joins through ``POST /v1/waitlist``, which the mock does not serve. With
    ``legal_consent`` a sign-up stays ``missing_requirements`` until it is given
    ``legal_accepted``; the components link the two URLs from their checkbox.
    """

    mode: Literal["public", "restricted"] = "public"
    legal_consent: bool = False
    terms_url: str | None = None
    privacy_policy_url: str | None = None


FirstFactor = Literal[
    "password",
    "email_code",
    "email_link",
    "phone_code",
    "reset_password_email_code",
    "reset_password_phone_code",
    "ticket",
]
SecondFactor = Literal["totp", "backup_code", "phone_code", "email_code"]


class StrategySettings(_Section):
    first_factors: tuple[FirstFactor, ...] = (
        "password",
        "email_code",
        "email_link",
        "phone_code",
        "reset_password_email_code",
        "reset_password_phone_code",
        "ticket",
    )
    second_factors: tuple[SecondFactor, ...] = ("totp", "backup_code", "phone_code")
    email_verification: tuple[Literal["email_code", "email_link"], ...] = (
        "email_code",
        "email_link",
    )
    mfa_required: bool = False


class PasswordSettings(_Section):
    min_length: int = Field(default=8, ge=1, le=72)
    max_length: int = Field(default=72, ge=1, le=72)
    require_lowercase: bool = False
    require_uppercase: bool = False
    require_numbers: bool = False
    require_special_char: bool = False
    allowed_special_characters: str = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    # scrypt cost: 2**kdf_log_n with r=8. Clerk hashes with a production cost; a mock that
    # hashes on every password sign-in needs a cheap but real, salted KDF: 2**8 takes
    # ~0.7 ms here (2**12: ~10 ms, which caps a worker near 100 password sign-ins/s;
    # measured with benchmarks/load.py). Raise it to exercise slow hashing.
    kdf_log_n: int = Field(default=8, ge=1, le=20)


class UsernameSettings(_Section):
    min_length: int = Field(default=4, ge=1)
    max_length: int = Field(default=64, ge=1)


class VerificationSettings(_Section):
    code_ttl_seconds: int = Field(default=600, ge=1)
    link_ttl_seconds: int = Field(default=600, ge=1)
    max_attempts: int = Field(default=5, ge=1)
    resend_cooldown_seconds: int = Field(default=30, ge=0)
    code_length: int = Field(default=6, ge=4, le=10)


class TestModeSettings(_Section):
    enabled: bool = True
    code: str = "424242"


class RateLimitSettings(_Section):
    """Per-IP limits from Clerk's "System limits" page: a 429 with Retry-After."""

    enabled: bool = True
    window_seconds: int = Field(default=10, ge=1)
    create_sign_in: int = Field(default=5, ge=1)
    create_sign_up: int = Field(default=5, ge=1)
    attempt: int = Field(default=3, ge=1)


class LockoutSettings(_Section):
    """Clerk's user lockout: 10 failed attempts lock the account for an hour."""

    enabled: bool = True
    max_attempts: int = Field(default=10, ge=1)
    duration_minutes: int = Field(default=60, ge=1)


class SessionSettings(_Section):
    lifetime_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    token_ttl_seconds: int = Field(default=60, ge=1)
    sign_in_ttl_seconds: int = Field(default=24 * 3600, ge=60)
    client_cookie_days: int = Field(default=365, ge=1)
    # Clerk's "inactivity timeout": a session unused this long is abandoned (off: None).
    inactivity_timeout_seconds: int | None = Field(default=None, ge=60)
    # PEM file of an RSA private key; without it a key is generated per instance.
    signing_key_file: str | None = None


class ReverificationSettings(_Section):
    """Clerk guards its own sensitive ``/v1/me`` actions with the "strongest available"
    factor verified within 10 minutes (docs ``guides/secure/reverification.mdx``)."""

    window_minutes: int = Field(default=10, ge=1)
    level: Literal["first_factor", "second_factor", "multi_factor"] = "multi_factor"


class MfaSettings(_Section):
    """How many one-time backup codes a user gets (Clerk's UI shows ten)."""

    backup_code_count: int = Field(default=10, ge=1, le=50)
    totp_issuer: str | None = None


class CorsSettings(_Section):
    # "*" echoes any Origin (a local mock serves whatever dev server the user runs).
    allowed_origins: tuple[str, ...] = ("*",)


class ServerSettings(_Section):
    proxy_path: str = "/__clerk"


class OAuthProviderSettings(_Section):
    """One provider of the built-in mock OAuth 2.0 / OpenID Connect server."""

    name: str
    client_id: str = "fapi-harness-mock-client"
    client_secret: str = "fapi-harness-mock-secret"
    scopes: str = "openid email profile"


def _default_providers() -> dict[str, OAuthProviderSettings]:
    return {
        "google": OAuthProviderSettings(name="Google"),
        "github": OAuthProviderSettings(name="GitHub", scopes="user:email"),
        "apple": OAuthProviderSettings(name="Apple", scopes="openid email name"),
        "microsoft": OAuthProviderSettings(name="Microsoft"),
    }


class OAuthSettings(_Section):
    """``oauth_<key>`` strategies; a key ``custom_<x>`` is Clerk's custom provider form.

    Every provider is backed by the mock's own OAuth/OIDC server under ``/__idp/oauth``.
    """

    providers: dict[str, OAuthProviderSettings] = Field(default_factory=_default_providers)
    code_ttl_seconds: int = Field(default=60, ge=1)
    access_token_ttl_seconds: int = Field(default=3600, ge=1)
    verification_ttl_seconds: int = Field(default=600, ge=1)
    # Extra redirect URIs the mock IdP accepts besides the mock's own /v1/oauth_callback.
    extra_redirect_uris: tuple[str, ...] = ()
    # A PEM RSA key every mock IdP (OAuth and SAML) signs with. Without it each process
    # makes its own keys, so several workers serving one instance need this set.
    idp_signing_key_file: str | None = None


class EnterpriseConnectionSettings(_Section):
    """A SAML connection: the email domains it owns and the IdP it trusts.

    Without ``idp_certificate_pem`` the connection trusts the mock's built-in IdP at
    ``/__idp/saml/<id>``; with it, an external IdP signing with that certificate.
    """

    id: str
    name: str
    domains: tuple[str, ...]
    idp_entity_id: str | None = None
    idp_sso_url: str | None = None
    idp_certificate_pem: str | None = None
    active: bool = True


def _default_connections() -> tuple[EnterpriseConnectionSettings, ...]:
    return (
        EnterpriseConnectionSettings(
            id="samlc_mock_example", name="Example Corp (mock IdP)", domains=("example-sso.com",)
        ),
    )


class EnterpriseSsoSettings(_Section):
    connections: tuple[EnterpriseConnectionSettings, ...] = Field(
        default_factory=_default_connections
    )
    assertion_ttl_seconds: int = Field(default=300, ge=1)
    clock_skew_seconds: int = Field(default=60, ge=0)
    # Fixed SP base URL (entity id, ACS); default: the URL the request came in on.
    sp_base_url: str | None = None


Web3Strategy = Literal[
    "web3_metamask_signature",
    "web3_coinbase_wallet_signature",
    "web3_okx_wallet_signature",
    "web3_base_signature",
    "web3_solana_signature",
]


class Web3Settings(_Section):
    """Wallet sign-in and sign-up (on by default; ``/v1/environment`` publishes it).

    The message to sign is a Sign-In-With-Ethereum (EIP-4361) text for ``domain`` /
    ``uri`` (default: the host and URL of ``instance.home_url``); its nonce is single
    use and expires after ``nonce_ttl_seconds``.
    """

    enabled: bool = True
    strategies: tuple[Web3Strategy, ...] = (
        "web3_metamask_signature",
        "web3_coinbase_wallet_signature",
        "web3_okx_wallet_signature",
        "web3_base_signature",
        "web3_solana_signature",
    )
    nonce_ttl_seconds: int = Field(default=600, ge=1)
    domain: str | None = None
    uri: str | None = None
    statement: str = "Sign in with your wallet."
    evm_chain_id: int = Field(default=1, ge=1)
    solana_chain_id: str = "mainnet"


class PasskeySettings(_Section):
    """WebAuthn relying party (on by default).

    ``origins`` are the page origins a ceremony may come from; empty means the origin of
    ``instance.home_url``. With ``any_localhost_port`` an RP id of ``localhost`` also
    accepts ``http://localhost:<any port>`` (dev servers move around).
    """

    enabled: bool = True
    rp_id: str = "localhost"
    rp_name: str | None = None
    origins: tuple[str, ...] = ()
    any_localhost_port: bool = True
    challenge_ttl_seconds: int = Field(default=300, ge=1)
    user_verification: Literal["required", "preferred", "discouraged"] = "preferred"
    attestation: Literal["none", "indirect", "direct"] = "none"


class Config(_Section):
    """The whole instance; ``faults`` are ``mock_server.faults.FaultRule`` tables."""

    profile: Literal["default", "test"] = "default"
    instance: InstanceSettings = InstanceSettings()
    attributes: AttributeSettings = AttributeSettings()
    sign_up: SignUpSettings = SignUpSettings()
    strategies: StrategySettings = StrategySettings()
    passwords: PasswordSettings = PasswordSettings()
    usernames: UsernameSettings = UsernameSettings()
    verification: VerificationSettings = VerificationSettings()
    test_mode: TestModeSettings = TestModeSettings()
    rate_limits: RateLimitSettings = RateLimitSettings()
    lockout: LockoutSettings = LockoutSettings()
    sessions: SessionSettings = SessionSettings()
    reverification: ReverificationSettings = ReverificationSettings()
    mfa: MfaSettings = MfaSettings()
    cors: CorsSettings = CorsSettings()
    server: ServerSettings = ServerSettings()
    web3: Web3Settings = Web3Settings()
    passkeys: PasskeySettings = PasskeySettings()
    faults: tuple[FaultRule, ...] = ()
    oauth: OAuthSettings = OAuthSettings()
    enterprise_sso: EnterpriseSsoSettings = EnterpriseSsoSettings()

    @property
    def rate_limiting(self) -> bool:
        """The ``test`` profile turns rate limits off, whatever the section says."""
        return self.rate_limits.enabled and self.profile != "test"

    def first_factor_enabled(self, strategy: str) -> bool:
        return strategy in self.strategies.first_factors

    def second_factor_enabled(self, strategy: str) -> bool:
        return strategy in self.strategies.second_factors


def per_config(compute: Callable[[Config], T]) -> Callable[[Config], T]:
    """``compute(config)`` once per config: a config is frozen, and the request path asks
    the same questions of it on every request. Keyed by identity and holding the config,
    so another app's config (a test process builds many) never sees a stale answer."""
    memo: dict[int, tuple[Config, T]] = {}
    # The last config asked about, and its answer: a server only ever asks about one.
    last: tuple[Config, T] | None = None

    @wraps(compute)
    def answer(config: Config) -> T:
        nonlocal last
        if last is not None and last[0] is config:
            return last[1]
        hit = memo.get(id(config))
        if hit is None or hit[0] is not config:
            if len(memo) > 64:
                memo.clear()
            hit = memo[id(config)] = (config, compute(config))
        last = hit
        return hit[1]

    return answer


class ConfigError(ValueError):
    """A config file that cannot be read or does not describe a valid instance."""


def load_config(path: str | Path | None = None, **overrides: object) -> Config:
    """Read a TOML file (or nothing: the defaults) into a :class:`Config`."""
    data: dict[str, object] = {}
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config {path}: {exc}") from exc
    data.update(overrides)
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid config {path or '(defaults)'}:\n{exc}") from exc
