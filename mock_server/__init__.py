"""fapi-harness mock Frontend API."""
