"""The book's command-line examples, and the tutorial's data and model (tutorial.py) they share."""
