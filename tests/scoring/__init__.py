"""Tests of the pure scoring module (a package so its module names do not clash)."""
