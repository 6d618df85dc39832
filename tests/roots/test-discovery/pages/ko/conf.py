# No settings here: they are the confoverrides of tests/test_discovery.py.
