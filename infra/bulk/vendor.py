"""Which database this process talks to: the one place that asks `connection.vendor`."""

from django.db import connection


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"
