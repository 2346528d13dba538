"""An example app that signs users in through FAPI with httpx and knows nothing of the mock.

It is what a backend-for-frontend or a CLI might do: get a dev-browser token, create a
sign-in with a password, and report the session id.
"""

from __future__ import annotations

import httpx

FAPI = "https://clerk.example.dev"


def _session_id(body: dict[str, object]) -> str:
    response = body["response"]
    assert isinstance(response, dict)
    if response["status"] != "complete":
        raise RuntimeError(f"sign-in not complete: {response['status']}")
    return str(response["created_session_id"])


def sign_in(email: str, password: str) -> str:
    with httpx.Client(base_url=FAPI) as http:
        token = http.post("/v1/dev_browser").json()["id"]
        made = http.post(
            "/v1/client/sign_ins",
            params={"__clerk_db_jwt": token},
            data={"identifier": email, "password": password, "strategy": "password"},
        )
        made.raise_for_status()
        return _session_id(made.json())


async def sign_in_async(email: str, password: str) -> str:
    async with httpx.AsyncClient(base_url=FAPI) as http:
        token = (await http.post("/v1/dev_browser")).json()["id"]
        made = await http.post(
            "/v1/client/sign_ins",
            params={"__clerk_db_jwt": token},
            data={"identifier": email, "password": password, "strategy": "password"},
        )
        made.raise_for_status()
        return _session_id(made.json())


def instance_name() -> str:
    with httpx.Client(base_url=FAPI) as http:
        return str(http.get("/v1/environment").json()["display_config"]["application_name"])
