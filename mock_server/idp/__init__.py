"""The mock's built-in identity providers: an OAuth 2.0 / OpenID Connect server and a
SAML 2.0 IdP per enterprise connection, mounted under ``/__idp``.

They play the external party of the SSO flows: the FAPI side reaches them only the way
it would reach Google or Okta (redirects, a token request, published keys), so the
cryptography on both sides is real and a broken check on either side fails a test.
"""
