"""Normmonitor: monitoring of regional norms against subversive crime (ondermijning)."""

__version__ = "0.1.0"
