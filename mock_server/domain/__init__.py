"""The state machines of FAPI, free of HTTP: they read and write a transaction."""
