/**
 * A thin wrapper over `node:sqlite` shared by the sandboxes: opening with WAL and a busy
 * timeout (several processes may share one file), IMMEDIATE transactions, typed row reads.
 * @module
 */
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";

/** A row as node:sqlite returns it. */
export type Row = Record<string, SQLOutputValue>;

/** A thin wrapper over `node:sqlite` with the sandbox schema applied. */
export class Database {
  readonly #db: DatabaseSync;
  #depth = 0;

  /** Open (and create) the database at `path` (`":memory:"` for memory) and apply `schema`. */
  constructor(path: string, schema: string) {
    this.#db = new DatabaseSync(path);
    // WAL lets an embedded sandbox in another kernel read while this one writes.
    if (path !== ":memory:") this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec(
      "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
    );
    this.#db.exec(schema);
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
