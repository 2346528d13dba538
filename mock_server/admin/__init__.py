"""The ``/__admin`` API: outbox, users, clock, state, journal. Not part of FAPI."""
