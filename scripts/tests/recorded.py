"""Recorded console logs in scripts/tests/data/."""
import os

DATA = os.path.join(os.path.dirname(__file__), "data")


def load(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()
