"""``python -m mock_server`` is ``fapi-harness``."""

from mock_server.cli import main

main()
