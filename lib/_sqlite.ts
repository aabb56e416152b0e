/**
 * A thin wrapper over `node:sqlite` shared by the sandboxes: opening with WAL and a busy
 * timeout (several processes may share one file), IMMEDIATE transactions, typed row reads.
 *
 * Statements are prepared once per SQL text and reused: a prepared statement holds native
 * memory until the database closes, so preparing one per query grew a long-running sandbox
 * by tens of kilobytes per request.
 * @module
 */
import {
  DatabaseSync,
  type SQLInputValue,
  type SQLOutputValue,
  type StatementSync,
} from "node:sqlite";

const MAX_STATEMENTS = 512;
/** How long a request waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

/** A row as node:sqlite returns it. */
export type Row = Record<string, SQLOutputValue>;

/** A thin wrapper over `node:sqlite` with the sandbox schema applied. */
export class Database {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #depth = 0;
  #busyDepth = 0;

  /** Open (and create) the database at `path` (`":memory:"` for memory) and apply `schema`. */
  constructor(path: string, schema: string) {
    this.#db = new DatabaseSync(path);
    // The timeout first: switching to WAL itself waits for a lock another process may hold.
    this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL lets an embedded sandbox in another kernel read while this one writes.
    if (path !== ":memory:") this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL");
    this.#db.exec(schema);
  }

  /** The one prepared statement for `sql`, prepared on first use. */
  #statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      // Query texts are a fixed set; the cap only guards against a caller building unbounded ones.
      if (this.#statements.size >= MAX_STATEMENTS) {
        this.#statements.delete(this.#statements.keys().next().value!);
      }
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** How many distinct statements are prepared (stays bounded: one per query text). */
  get preparedStatements(): number {
    return this.#statements.size;
  }

  /** Run a statement; returns the changed row count and last row id. */
  run(sql: string, ...params: SQLInputValue[]): { changes: number; lastInsertRowid: number } {
    const result = this.#statement(sql).run(...params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  /** First row or undefined. */
  get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#statement(sql).get(...params) as Row | undefined;
  }

  /** All rows. */
  all(sql: string, ...params: SQLInputValue[]): Row[] {
    return this.#statement(sql).all(...params) as Row[];
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

  /**
   * Run `fn` with a different busy timeout, then restore the usual one. A background writer
   * (the job runner) uses a short one: node:sqlite waits synchronously, so a long wait for
   * another process's write lock would stall every request this process serves.
   */
  withBusyTimeout<T>(ms: number, fn: () => T): T {
    if (this.#busyDepth > 0) return fn();
    this.#db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(ms))}`);
    this.#busyDepth++;
    try {
      return fn();
    } finally {
      this.#busyDepth--;
      if (this.#db.isOpen) this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  /** Close the file; closing finalizes every cached statement. */
  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/**
 * Whether an error is SQLite's "database is locked" / "busy" (another connection holds the
 * write lock for longer than the busy timeout).
 */
export function isBusyError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const errcode = (error as { errcode?: unknown }).errcode;
  // Extended codes keep the primary code in the low byte: 5 SQLITE_BUSY, 6 SQLITE_LOCKED.
  if (typeof errcode === "number") return (errcode & 0xff) === 5 || (errcode & 0xff) === 6;
  return /database is locked|database table is locked|SQLITE_BUSY/i.test(error.message);
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
