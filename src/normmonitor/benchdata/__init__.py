"""Synthetic national installations for benchmarks and scale tests (``normmonitor bench-data``).

Real CBS municipality and province lists and neighbours (organisations.geo), the 21 water
boards, the Flevolandse Norm and a clearly synthetic larger norm; fictitious answers, users
and audit trail. Never load this into a production database."""
