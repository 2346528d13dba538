"""Malformed input of any kind gets a Clerk-shaped 4xx, never a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import schemas
from tests.mock_server.conftest import Browser, Mock, error, ok


def test_bad_json_is_request_body_invalid(browser: Browser) -> None:
    answer = browser.request(
        "POST",
        "/v1/client/sign_ins",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    error(answer, 400, "request_body_invalid")


def test_a_json_array_is_request_body_invalid(browser: Browser) -> None:
    answer = browser.request(
        "POST",
        "/v1/client/sign_ins",
        content=b"[1,2]",
        headers={"content-type": "application/json"},
    )
    error(answer, 400, "request_body_invalid")


def test_json_bodies_are_accepted(mock: Mock, browser: Browser) -> None:
    mock.seed_user(email_addresses="json@example.com")
    answer = browser.request("POST", "/v1/client/sign_ins", json={"identifier": "json@example.com"})
    assert ok(answer)["response"]["status"] == "needs_first_factor"


def test_an_unsupported_content_type_is_415(browser: Browser) -> None:
    answer = browser.request(
        "POST",
        "/v1/client/sign_ins",
        content=b"<xml/>",
        headers={"content-type": "application/xml"},
    )
    error(answer, 415, "unsupported_content_type")


def test_a_broken_multipart_body_is_a_4xx(browser: Browser) -> None:
    answer = browser.request(
        "POST",
        "/v1/client/sign_ins",
        content=b"--x\r\nContent-Disposition: form-data\r\n\r\nvalue",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert 400 <= answer.status_code < 500
    schemas.validate("errors", answer.json())


@pytest.mark.parametrize(
    "fields",
    [
        {"identifier": "x" * 100_000},
        {"identifier": "\x00\x01\x02"},
        {"identifier": "😀@😀.😀"},
        {"identifier": "+1" + "9" * 40},
        {
            "identifier": "a@b.c",
            "strategy": "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"),
        },
        {"identifier": "", "password": ""},
        {"unsafe_metadata": "not json"},
    ],
)
def test_odd_values_never_break_the_server(browser: Browser, fields: dict) -> None:
    answer = browser.sign_in(**fields)
    assert answer.status_code < 500
    body = answer.json()
    if answer.status_code >= 400:
        schemas.validate("errors", body)


def test_an_odd_sign_up_metadata_is_form_param_format_invalid(browser: Browser) -> None:
    error(browser.sign_up(unsafe_metadata="[1]"), 422, "form_param_format_invalid")
    error(browser.sign_up(unsafe_metadata="{oops"), 422, "form_param_format_invalid")


def test_a_value_over_a_megabyte_is_request_body_invalid(browser: Browser) -> None:
    found = error(browser.sign_up(username="y" * 2_000_000), 400, "request_body_invalid")
    assert "maximum size" in found["long_message"]


def test_a_large_value_is_judged_like_any_other(browser: Browser) -> None:
    large = "y" * 500_000
    error(browser.sign_up(username=large), 422, "form_username_invalid_length")
    error(browser.sign_in(identifier=large), 422, "form_identifier_not_found")


_text = st.text(max_size=40)
_fields = st.dictionaries(
    st.sampled_from(
        [
            "identifier",
            "password",
            "strategy",
            "code",
            "email_address",
            "phone_number",
            "username",
            "first_name",
            "last_name",
            "unsafe_metadata",
            "ticket",
            "redirect_url",
            "legal_accepted",
            "email_address_or_phone_number",
            "locale",
        ]
    )
    | _text,
    _text,
    max_size=6,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(fields=_fields, path=st.sampled_from(["/v1/client/sign_ins", "/v1/client/sign_ups"]))
def test_arbitrary_forms_get_an_envelope_or_errors(mock: Mock, fields: dict, path: str) -> None:
    browser = mock.browser()
    answer = browser.post(path, fields)
    assert answer.status_code < 500, answer.text
    body = answer.json()
    if answer.status_code >= 400:
        schemas.validate("errors", body)
    else:
        name = "envelopes/sign_in" if path.endswith("sign_ins") else "envelopes/sign_up"
        assert set(body) == {"response", "client"}
        assert body["response"]["object"] in {"sign_in_attempt", "sign_up_attempt"}
        if name in schemas.names(defs=True):
            schemas.validate(name, body)


@pytest.fixture
def fuzz_user(mock: Mock) -> Mock:
    """One user (email + phone + password) for every example of a property test."""
    mock.seed_user(email_addresses="fuzz@example.com", phone_numbers="+15005550006")
    return mock


_factor_fields = st.dictionaries(
    st.sampled_from(
        ["strategy", "code", "password", "email_address_id", "phone_number_id", "redirect_url"]
    ),
    st.one_of(
        _text,
        st.sampled_from(
            [
                "password",
                "email_code",
                "phone_code",
                "email_link",
                "reset_password_email_code",
                "ticket",
            ]
        ),
    ),
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=_factor_fields,
    step=st.sampled_from(["prepare_first_factor", "attempt_first_factor", "reset_password"]),
)
def test_arbitrary_factor_steps_never_break_a_sign_in(
    fuzz_user: Mock, fields: dict, step: str
) -> None:
    mock = fuzz_user
    browser = mock.browser()
    ok(browser.sign_in(identifier="fuzz@example.com"))
    si = browser.client()["sign_in"]
    answer = browser.post(f"/v1/client/sign_ins/{si['id']}/{step}", fields)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        schemas.validate("errors", answer.json())
    else:
        assert answer.json()["response"]["id"] == si["id"]


_sign_up_step_fields = st.dictionaries(
    st.sampled_from(
        [
            "strategy",
            "code",
            "password",
            "email_address",
            "phone_number",
            "username",
            "redirect_url",
        ]
    ),
    st.one_of(_text, st.sampled_from(["email_code", "phone_code", "email_link", "ticket"])),
    max_size=4,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=_sign_up_step_fields,
    step=st.sampled_from(["", "/prepare_verification", "/attempt_verification"]),
)
def test_arbitrary_sign_up_steps_never_break_a_sign_up(mock: Mock, fields: dict, step: str) -> None:
    browser = mock.browser()
    su = ok(browser.sign_up(email_address="steps@example.com", phone_number="+15005550006"))
    path = f"/v1/client/sign_ups/{su['response']['id']}{step}"
    answer = browser.patch(path, fields) if not step else browser.post(path, fields)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        schemas.validate("errors", answer.json())
    else:
        assert answer.json()["response"]["id"] == su["response"]["id"]


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_text, children, max_size=3),
    max_leaves=8,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(
        st.dictionaries(
            st.sampled_from(["identifier", "password", "strategy", "email_address", "code"])
            | _text,
            _json_values,
            max_size=5,
        ),
        _json_values,
    ),
    path=st.sampled_from(["/v1/client/sign_ins", "/v1/client/sign_ups"]),
)
def test_arbitrary_json_bodies_never_break_the_server(mock: Mock, body: object, path: str) -> None:
    answer = mock.browser().request("POST", path, json=body)
    assert answer.status_code < 500, answer.text
    if answer.status_code >= 400:
        schemas.validate("errors", answer.json())
