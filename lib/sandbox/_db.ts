/**
 * SQLite access for the sandbox: opening, schema, transactions and typed row reads.
 * Every write that must not be half-done (a submission and its charge, a completion and its
 * files) goes through {@linkcode Database.transaction}.
 * @module
 */
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";

/** A row as node:sqlite returns it. */
export type Row = Record<string, SQLOutputValue>;

const SCHEMA_VERSION = 1;

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
  created_at TEXT NOT NULL
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

/** A thin wrapper over `node:sqlite` with the sandbox schema applied. */
export class Database {
  readonly #db: DatabaseSync;
  #depth = 0;

  /** Open (and create) the database at `path`, or in memory for `":memory:"`. */
  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    // WAL lets an embedded sandbox in another kernel read while this one writes.
    if (path !== ":memory:") this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec(
      "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
    );
    this.#db.exec(SCHEMA);
    const version = this.get("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!version) {
      this.run(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
        String(SCHEMA_VERSION),
      );
    } else if (Number(version.value) > SCHEMA_VERSION) {
      throw new Error(
        `sandbox database schema ${version.value} is newer than this module understands (${SCHEMA_VERSION})`,
      );
    }
  }

  /** Run a statement; returns the changed row count and last row id. */
  run(sql: string, ...params: SQLInputValue[]): { changes: number; lastInsertRowid: number } {
    const result = this.#db.prepare(sql).run(...params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** First row or undefined. */
  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#db.prepare(sql).get(...params) as Row | undefined;
  }

  /** All rows. */
  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#db.prepare(sql).all(...params) as Row[];
  }

  /**
   * Run `fn` in one IMMEDIATE transaction (nested calls join the outer one).
   * IMMEDIATE takes the write lock up front, so two processes sharing the file never
   * both pass a credit check before either writes.
   */
  transaction<T>(fn: () => T): T {
    if (this.#depth > 0) return fn();
    this.#db.exec("BEGIN IMMEDIATE");
    this.#depth++;
    try {
      const value = fn();
      this.#db.exec("COMMIT");
      return value;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    } finally {
      this.#depth--;
    }
  }

  /** Close the file. */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/** Read a text column. */
export function text(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== "string") throw new TypeError(`column ${column} is not text`);
  return value;
}

/** Read a nullable text column. */
export function textOrNull(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : String(value);
}

/** Read a numeric column. */
export function number(row: Row, column: string): number {
  const value = row[column];
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new TypeError(`column ${column} is not a number`);
}

/** Read a nullable numeric column. */
export function numberOrNull(row: Row, column: string): number | null {
  const value = row[column];
  return value === null || value === undefined ? null : number(row, column);
}

/** Read a blob column. */
export function bytes(row: Row, column: string): Uint8Array<ArrayBuffer> {
  const value = row[column];
  if (value instanceof Uint8Array) return value as Uint8Array<ArrayBuffer>;
  throw new TypeError(`column ${column} is not a blob`);
}
