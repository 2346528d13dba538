"""Conformance suites that run against any FAPI target."""
