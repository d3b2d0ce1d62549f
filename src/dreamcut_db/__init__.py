"""dreamcut_db: PostgreSQL-native schema and migrations of the DreamCut video platform.

The SQL in ``migrations/`` is the product; this package is the thin runner that applies, verifies and rolls
it back (``dreamcut-db``), plus the embedded default server.
"""

__version__ = "0.1.0"
