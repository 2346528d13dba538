"""Thin HTTP handlers per FAPI resource: parse, call one domain function, serialize.

Importing this package registers every operation in ``mock_server.routing.FAPI``.
"""

from mock_server.routes import (  # noqa: F401 - imported for registration
    client,
    dev_browser,
    environment,
    me,
    me_external_accounts,
    me_passkeys,
    me_security,
    me_web3,
    reverification,
    sessions,
    sign_in_second_factor,
    sign_ins,
    sign_ups,
    sso,
    tokens,
    verify,
)
