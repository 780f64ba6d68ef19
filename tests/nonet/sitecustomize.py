"""Loaded by every Python process the tests start (tests/conftest.py puts this folder on
PYTHONPATH): no connection and no name lookup beyond this machine's loopback address.
A test that needs the network (building the wheel) says so by leaving this folder out."""

from tests_network_guard import block

block()
