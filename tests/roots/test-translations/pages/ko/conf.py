# No settings here: they are the confoverrides of tests/test_ext_translations.py.
