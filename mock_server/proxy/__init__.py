"""A validating proxy in front of a real FAPI, with record and replay.

``fapi-harness proxy --upstream https://<frontend api host>`` forwards every request
unchanged and checks every answer against ``schemas/``, so a team learns when Clerk
drifts from the contract its tests assume.
"""
