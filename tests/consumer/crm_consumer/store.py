"""What the consumer received, in its own SQLite file (WAL).

One row per message id: a second arrival of an id is a duplicate, counted
in `duplicates` and not stored again. Invalid messages are kept, flagged,
with their errors. Each message is committed before add() returns, so that
the caller acknowledges (PUBACK) only what is on disk.

Threading: one Store per thread (sqlite3's default).
"""
import sqlite3

SCHEMA_VERSION = 1  # PRAGMA user_version; stable: a new layout is a new version
SCHEMA = """
CREATE TABLE IF NOT EXISTS messages(
  id TEXT PRIMARY KEY,          -- the envelope id; sha256:<hex> of topic and payload without one
  topic TEXT NOT NULL,
  vin TEXT,                     -- the topic's VIN
  kind TEXT,                    -- the topic suffix: status, telemetry/daily, ...
  seq INTEGER,                  -- the envelope's, when it is an integer
  ts INTEGER,                   -- the envelope's, epoch ms
  received_at INTEGER NOT NULL, -- epoch ms, the consumer's clock
  retained INTEGER NOT NULL,    -- 1: the broker's retained copy (on subscribing)
  valid INTEGER NOT NULL,       -- 1: passed the envelope, its kind's schema and the VIN check
  error TEXT,                   -- the schema errors, one a line; NULL when valid
  payload TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS messages_by_vin_seq ON messages(vin, seq);
CREATE TABLE IF NOT EXISTS duplicates(
  id TEXT NOT NULL,             -- messages.id of the copy kept
  received_at INTEGER NOT NULL,
  retained INTEGER NOT NULL,
  same_payload INTEGER NOT NULL); -- 0: same id, other bytes (a fault of the sender)
"""


class StoreError(Exception):
    """The database cannot be opened or written: the message must not be acknowledged."""


class Store:
    def __init__(self, path, readonly=False):
        self.path = path
        try:
            uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
            self.db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=10)
            if readonly:
                self.version = self.db.execute("PRAGMA user_version").fetchone()[0]
                if self.version != SCHEMA_VERSION:
                    raise StoreError(f"{path}: not a crm-consumer database "
                                     f"(user_version {self.version}, expected {SCHEMA_VERSION})")
                return
            self.db.execute("PRAGMA journal_mode=WAL")
            # FULL: a message acknowledged to the broker survives a power cut too.
            self.db.execute("PRAGMA synchronous=FULL")
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                raise StoreError(f"{path}: database version {version}, this consumer knows "
                                 f"{SCHEMA_VERSION}")
            self.db.executescript(SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")
        except sqlite3.Error as e:
            raise StoreError(f"{path}: {e}") from e

    def add(self, checked, received_at, retained):
        """Stores one message; returns False when its id was already stored."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            cur = self.db.execute(
                "INSERT OR IGNORE INTO messages VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                (checked.key, checked.topic, checked.vin, checked.kind, checked.seq, checked.ts,
                 received_at, int(retained), int(checked.valid),
                 "\n".join(checked.errors) or None, checked.payload))
            new = cur.rowcount == 1
            if not new:
                kept = self.db.execute("SELECT payload FROM messages WHERE id=?",
                                       (checked.key,)).fetchone()[0]
                self.db.execute("INSERT INTO duplicates VALUES(?,?,?,?)",
                                (checked.key, received_at, int(retained),
                                 int(kept == checked.payload)))
            self.db.execute("COMMIT")
            return new
        except sqlite3.Error as e:
            if self.db.in_transaction:
                self.db.rollback()
            raise StoreError(f"{self.path}: {e}") from e

    def rows(self):
        """Every stored message but its payload, oldest arrival first."""
        return self.db.execute(
            "SELECT id, topic, vin, kind, seq, ts, received_at, retained, valid, error"
            " FROM messages ORDER BY received_at, rowid").fetchall()

    def payload(self, key):
        row = self.db.execute("SELECT payload FROM messages WHERE id=?", (key,)).fetchone()
        return row[0] if row else None

    def duplicates(self):
        """(vin, retained, same_payload) of each duplicate arrival."""
        return self.db.execute(
            "SELECT m.vin, d.retained, d.same_payload FROM duplicates d"
            " JOIN messages m ON m.id = d.id").fetchall()

    def close(self):
        self.db.close()
