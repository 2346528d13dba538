"""One module per family of factor strategies, behind one small protocol.

Adding a strategy means adding a module here and registering it in ``registry``:
sign-in, sign-up and reverification dispatch on the strategy name and nothing else
changes.
"""
