"""``PATCH /v1/me`` (Clerk's ``patchUser``, clerk-js's ``user.update()``): names, username,
primary identifications and metadata of the signed-in user."""

from __future__ import annotations

from collections.abc import Callable

from tests.second_factors.conftest import Mock


def _errors(response: object) -> list[tuple[str, str | None]]:
    body = response.json()  # type: ignore[attr-defined]
    return [(e["code"], (e.get("meta") or {}).get("param_name")) for e in body["errors"]]


def test_names_and_metadata_change_and_an_empty_field_clears(mock: Mock) -> None:
    mock.user(email_addresses=["pr@example.com"], first_name="Ada", last_name="Lovelace")
    b = mock.browser()
    b.sign_in("pr@example.com")
    # clerk-js sends PATCH as POST with ?_method=PATCH.
    user = b.ok(
        "POST",
        "/v1/me?_method=PATCH",
        {"first_name": "Grace", "last_name": "", "unsafe_metadata": '{"theme": "dark"}'},
    )["response"]
    assert (user["first_name"], user["last_name"]) == ("Grace", None)
    assert user["unsafe_metadata"] == {"theme": "dark"}
    assert b.ok("GET", "/v1/me")["response"]["first_name"] == "Grace"
    # A name left out is left alone.
    assert b.ok("PATCH", "/v1/me", {"last_name": "Hopper"})["response"]["first_name"] == "Grace"


def test_a_username_is_checked_like_a_sign_up_and_signs_in_afterwards(mock: Mock) -> None:
    mock.user(email_addresses=["un@example.com"])
    mock.user(email_addresses=["other@example.com"], username="taken_name")
    b = mock.browser()
    b.sign_in("un@example.com")
    taken = b.call("PATCH", "/v1/me", data={"username": "Taken_Name"})
    assert taken.status_code == 422
    assert _errors(taken) == [("form_identifier_exists", "username")]
    short = b.call("PATCH", "/v1/me", data={"username": "ab"})
    assert _errors(short) == [("form_username_invalid_length", "username")]
    bad = b.call("PATCH", "/v1/me", data={"username": "no spaces"})
    assert _errors(bad) == [("form_username_invalid_character", "username")]
    assert b.ok("PATCH", "/v1/me", {"username": "New_Name"})["response"]["username"] == "new_name"
    # The new username signs in; so does setting it again (it is the user's own).
    assert mock.browser().sign_in("new_name")["status"] == "complete"
    assert b.ok("PATCH", "/v1/me", {"username": "new_name"})["response"]["username"] == "new_name"
    renamed = b.ok("PATCH", "/v1/me", {"username": "newer_name"})["response"]
    assert renamed["username"] == "newer_name"
    # The old one is free again: another account may take it, and it no longer signs in.
    gone = mock.browser().post("/v1/client/sign_ins", {"identifier": "new_name"})
    assert _errors(gone) == [("form_identifier_not_found", "identifier")]


def test_a_required_username_cannot_be_cleared(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(attributes={"username": "required"})
    mock.user(email_addresses=["req@example.com"], username="keeper")
    b = mock.browser()
    b.sign_in("req@example.com")
    cleared = b.call("PATCH", "/v1/me", data={"username": ""})
    assert _errors(cleared) == [("form_param_nil", "username")]
    assert b.ok("GET", "/v1/me")["response"]["username"] == "keeper"


def test_an_instance_without_usernames_refuses_one(make_mock: Callable[..., Mock]) -> None:
    mock = make_mock(attributes={"username": "off"})
    mock.user(email_addresses=["nou@example.com"])
    b = mock.browser()
    b.sign_in("nou@example.com")
    refused = b.call("PATCH", "/v1/me", data={"username": "someone"})
    assert _errors(refused) == [("form_param_unknown", "username")]


def test_only_an_own_verified_email_becomes_primary(mock: Mock) -> None:
    mock.user(email_addresses=["one@example.com", "two@example.com"])
    other = mock.user(email_addresses=["else@example.com"])
    b = mock.browser()
    b.sign_in("one@example.com")
    me = b.ok("GET", "/v1/me")["response"]
    second = next(e for e in me["email_addresses"] if e["email_address"] == "two@example.com")
    switched = b.ok("PATCH", "/v1/me", {"primary_email_address_id": second["id"]})["response"]
    assert switched["primary_email_address_id"] == second["id"]

    added = b.ok("POST", "/v1/me/email_addresses", {"email_address": "new@example.com"})
    unverified = b.call(
        "PATCH", "/v1/me", data={"primary_email_address_id": added["response"]["id"]}
    )
    assert unverified.status_code == 400
    assert _errors(unverified)[0][0] == "verification_missing"
    foreign = b.call(
        "PATCH",
        "/v1/me",
        data={"primary_email_address_id": other["email_addresses"][0]["id"]},
    )
    assert foreign.status_code == 404
    assert b.ok("GET", "/v1/me")["response"]["primary_email_address_id"] == second["id"]


def test_a_failed_update_changes_nothing_and_unknown_fields_are_refused(mock: Mock) -> None:
    mock.user(email_addresses=["fx@example.com"], first_name="Ada")
    b = mock.browser()
    b.sign_in("fx@example.com")
    failed = b.call("PATCH", "/v1/me", data={"first_name": "Grace", "username": "x"})
    assert failed.status_code == 422
    assert b.ok("GET", "/v1/me")["response"]["first_name"] == "Ada"
    unknown = b.call("PATCH", "/v1/me", data={"favourite_colour": "blue"})
    assert _errors(unknown) == [("form_param_unknown", "favourite_colour")]


def test_a_signed_out_client_cannot_update(mock: Mock) -> None:
    assert mock.browser().call("PATCH", "/v1/me", data={"first_name": "x"}).status_code == 401
