"""Contract fuzzing with schemathesis: our checks, and the allow-list of known differences."""
