"""The one SQLite module the archive uses.

pysqlite3-binary brings a current SQLite where a wheel exists; sqlite-utils
and Datasette pick it up too, so every connection and every error class in a
process comes from the same library. Elsewhere this is Python's own sqlite3."""

from sqlite_utils.utils import sqlite3

__all__ = ["sqlite3"]
