/**
 * The sandbox's SQLite schema. Every write that must not be half-done (a submission and its
 * charge, a completion and its files) goes through {@linkcode Database.transaction}.
 * @module
 */
import { Database } from "../_sqlite.ts";
import { attachBlobStore, BlobStore } from "./_blobs.ts";

export { bytes, Database, number, numberOrNull, type Row, text, textOrNull } from "../_sqlite.ts";

const SCHEMA_VERSION = 1;

/**
 * The busy timeout of background writers (the runner, the minute meter): short, because
 * node:sqlite waits synchronously and a blocked write blocks every request meanwhile. They
 * retry instead.
 */
export const BACKGROUND_BUSY_MS = 20;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  plan_tier TEXT NOT NULL,
  paid INTEGER NOT NULL,
  credits REAL NOT NULL,
  max_concurrent_jobs INTEGER NOT NULL,
  daily_job_limit INTEGER,
  max_active_jobs INTEGER NOT NULL,
  rate_limit INTEGER NOT NULL,
  rate_window_seconds INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  secret_sha256 TEXT NOT NULL,
  scopes TEXT NOT NULL,
  label TEXT,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL REFERENCES workspaces(id),
  api_key_id TEXT NOT NULL,
  tool TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  progress REAL NOT NULL DEFAULT 0,
  request TEXT NOT NULL,
  resolved_inputs TEXT NOT NULL,
  settings TEXT NOT NULL,
  credits_used REAL NOT NULL,
  billing TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT,
  execution_time_seconds REAL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_step_at INTEGER NOT NULL DEFAULT 0,
  run_owner TEXT,
  event_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_by_workspace ON jobs(workspace_id, seq DESC);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs(status, next_step_at);
-- Unfinished jobs per workspace are few (bounded by its limits): counting them reads only them.
CREATE INDEX IF NOT EXISTS jobs_by_workspace_status ON jobs(workspace_id, status);
-- Jobs created per workspace and UTC day, kept in the transaction that inserts the job, so the
-- daily limit costs one row read however many jobs the day already has.
CREATE TABLE IF NOT EXISTS daily_job_counts (
  workspace_id TEXT NOT NULL,
  day TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, day)
);
CREATE TABLE IF NOT EXISTS job_events (
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);
CREATE TABLE IF NOT EXISTS results (
  job_id TEXT PRIMARY KEY,
  data_source TEXT NOT NULL,
  results TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
  key TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  data BLOB NOT NULL,
  created_at TEXT NOT NULL,
  on_disk INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS result_files (
  job_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  name TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  content_type TEXT NOT NULL,
  PRIMARY KEY (job_id, ordinal)
);
CREATE TABLE IF NOT EXISTS files (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  workspace_id TEXT NOT NULL,
  uploader_key_id TEXT,
  filename TEXT NOT NULL,
  original_name TEXT NOT NULL,
  format TEXT,
  mime_type TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  origin TEXT NOT NULL,
  storage_owner TEXT NOT NULL,
  blob_key TEXT NOT NULL,
  description TEXT,
  tags TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS files_by_workspace ON files(workspace_id, seq DESC);
CREATE TABLE IF NOT EXISTS idempotency (
  workspace_id TEXT NOT NULL,
  key TEXT NOT NULL,
  route TEXT NOT NULL,
  request_sha256 TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (workspace_id, key)
);
CREATE TABLE IF NOT EXISTS ledger (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id TEXT NOT NULL,
  job_id TEXT,
  delta REAL NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (job_id, reason)
);
`;

/** Open the sandbox database at `path` (`":memory:"` for memory), creating its tables. */
export function openSandboxDatabase(path: string): Database {
  const db = new Database(path, SCHEMA);
  const version = db.get("SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version) {
    db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?)", String(SCHEMA_VERSION));
  } else if (Number(version.value) > SCHEMA_VERSION) {
    throw new Error(
      `sandbox database schema ${version.value} is newer than this module understands (${SCHEMA_VERSION})`,
    );
  }
  // Databases from before blobs could live on disk get the column (their blobs stay inline).
  const columns = db.all("PRAGMA table_info(blobs)").map((row) => String(row.name));
  if (!columns.includes("on_disk")) {
    db.run("ALTER TABLE blobs ADD COLUMN on_disk INTEGER NOT NULL DEFAULT 0");
  }
  db.run("CREATE INDEX IF NOT EXISTS blobs_on_disk ON blobs(sha256) WHERE on_disk = 1");
  attachBlobStore(
    db,
    path === ":memory:" ? BlobStore.temporary() : new BlobStore(`${path}.blobs`),
  );
  recountToday(db);
  return db;
}

/**
 * Rebuild today's counters from the jobs table: a database written before the counters
 * existed (or jobs inserted by hand) starts from the truth. One pass at open.
 */
function recountToday(db: Database): void {
  const today = new Date().toISOString().slice(0, 10);
  db.transaction(() => {
    db.run("DELETE FROM daily_job_counts WHERE day >= ?", today);
    db.run(
      `INSERT INTO daily_job_counts (workspace_id, day, n)
       SELECT workspace_id, substr(created_at, 1, 10), COUNT(*) FROM jobs
       WHERE created_at >= ? GROUP BY workspace_id, substr(created_at, 1, 10)`,
      today,
    );
  });
}
