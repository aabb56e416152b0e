/**
 * The pipeline sandbox's storage (node:sqlite, its own tables — a file of its own or memory):
 * orgs, their bearer tokens (only hashes are kept, except the default org's token so a
 * restarted kernel finds the same org), variants owned by orgs, jobs and idempotency keys.
 *
 * Jobs move on a clock, not on a timer: each job gets its start and end times at submission
 * (per-job-type durations) and is brought up to date in one IMMEDIATE transaction whenever it
 * is read. A stopped or killed sandbox loses nothing — the next read anywhere sees the job
 * where its clock says, with the exact `started_at`/`completed_at` it would have had.
 * @module
 */
import { Database, type Row } from "../_sqlite.ts";

import { randomBytes } from "node:crypto";

import { sha256Hex as sha256 } from "../contract/canonical.ts";

import type { JobType } from "./contract.ts";
import { PipelineFailure, runPipeline } from "./_pipelines.ts";
import type { PipelineJob, PipelineJobResults, Variant } from "../contract/_wire.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pipeline_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipeline_orgs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline_tokens (
  token_sha256 TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES pipeline_orgs(id),
  created_at TEXT NOT NULL, revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS pipeline_variants (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL REFERENCES pipeline_orgs(id), name TEXT NOT NULL, chain TEXT,
  sequence TEXT NOT NULL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pipeline_jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  org_id TEXT NOT NULL, variant_id TEXT NOT NULL, job_type TEXT NOT NULL, status TEXT NOT NULL,
  created_ms INTEGER NOT NULL, starts_ms INTEGER NOT NULL, ends_ms INTEGER NOT NULL,
  started_at TEXT, completed_at TEXT, error_message TEXT, results TEXT
);
CREATE INDEX IF NOT EXISTS pipeline_jobs_by_org ON pipeline_jobs(org_id, seq DESC);
CREATE TABLE IF NOT EXISTS pipeline_idempotency (
  org_id TEXT NOT NULL, key TEXT NOT NULL, request_sha256 TEXT NOT NULL, job_id TEXT NOT NULL,
  created_at TEXT NOT NULL, PRIMARY KEY (org_id, key)
);
`;

/** Time a job waits in `pending`, and runs, per job type (ms). */
export interface PipelinePace {
  /** Time from submission to `running`. */
  pendingMs: number;
  /** Time from `running` to `completed`/`failed`, per job type. */
  runMs: Readonly<Record<JobType, number>>;
  /** Each job's run time varies by up to this fraction, deterministically per job id. */
  spread: number;
}

/**
 * Named paces: `demo` shows each stage for a moment; `quick` is for tests.
 *
 * @example
 * ```ts
 * import { PIPELINE_PACES, startPipelineSandbox } from "../../mod.ts";
 *
 * // Like `demo`, but structure jobs take 20 s: a slow pipeline to watch on the board.
 * const { demo } = PIPELINE_PACES;
 * await using sandbox = await startPipelineSandbox({
 *   pace: { ...demo, runMs: { ...demo.runMs, structure: 20_000 } },
 * });
 * ```
 */
export const PIPELINE_PACES = {
  demo: {
    pendingMs: 400,
    runMs: { humanization: 1500, structure: 4000, stability: 2500, immunogenicity: 3000 },
    spread: 0.2,
  },
  quick: {
    pendingMs: 30,
    runMs: { humanization: 60, structure: 150, stability: 100, immunogenicity: 120 },
    spread: 0.2,
  },
} as const satisfies Record<string, PipelinePace>;

/**
 * The vendor writes timestamps as Python's `isoformat()` does (`…+00:00`); with microseconds,
 * as FastAPI serialises a `datetime` that has them.
 */
export function isoPython(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}

/** A new opaque token for an org. */
export function newToken(): string {
  return `plt_${randomBytes(24).toString("base64url")}`;
}

/** Thrown inside a transaction to answer with a status and FastAPI's `detail`. */
export class HttpProblem extends Error {
  /** HTTP status. */
  readonly status: number;
  /** The `detail` value. */
  readonly detail: unknown;
  /** Extra response headers. */
  readonly headers: Record<string, string>;
  /** Build a problem. */
  constructor(status: number, detail: unknown, headers: Record<string, string> = {}) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

/** Storage of one pipeline sandbox. */
export class PipelineStore {
  readonly #db: Database;
  readonly #pace: PipelinePace;

  /** Open (and create) the store at `path` (`":memory:"` for memory). */
  constructor(path: string, pace: PipelinePace) {
    this.#db = new Database(path, SCHEMA);
    this.#pace = pace;
  }

  /** Run `fn` in one IMMEDIATE transaction (two processes may share the file). */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn);
  }

  /** A meta value. */
  meta(key: string): string | undefined {
    const row = this.#db.get("SELECT value FROM pipeline_meta WHERE key = ?", key);
    return row ? String(row.value) : undefined;
  }

  /** Set a meta value. */
  setMeta(key: string, value: string): void {
    this.#db.run(
      "INSERT INTO pipeline_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      key,
      value,
    );
  }

  /** Create an org and a token for it; the token is returned once. */
  createOrg(name: string): { orgId: string; token: string } {
    return this.transaction(() => {
      const orgId = crypto.randomUUID();
      this.#db.run(
        "INSERT INTO pipeline_orgs (id, name, created_at) VALUES (?, ?, ?)",
        orgId,
        name,
        isoPython(Date.now()),
      );
      return { orgId, token: this.createToken(orgId) };
    });
  }

  /** Whether an org exists. */
  hasOrg(orgId: string): boolean {
    return this.#db.get("SELECT id FROM pipeline_orgs WHERE id = ?", orgId) !== undefined;
  }

  /** A new token for an org (a given one, e.g. kept from an earlier run, or a random one). */
  createToken(orgId: string, token: string = newToken()): string {
    this.#db.run(
      "INSERT OR IGNORE INTO pipeline_tokens (token_sha256, org_id, created_at) VALUES (?, ?, ?)",
      sha256(token),
      orgId,
      isoPython(Date.now()),
    );
    return token;
  }

  /** Revoke a token. */
  revokeToken(token: string): void {
    this.#db.run(
      "UPDATE pipeline_tokens SET revoked_at = ? WHERE token_sha256 = ?",
      isoPython(Date.now()),
      sha256(token),
    );
  }

  /** The org of a token, or undefined for an unknown or revoked token. */
  orgOfToken(token: string): string | undefined {
    const row = this.#db.get(
      "SELECT org_id FROM pipeline_tokens WHERE token_sha256 = ? AND revoked_at IS NULL",
      sha256(token),
    );
    return row ? String(row.org_id) : undefined;
  }

  /** Add a variant to an org. */
  createVariant(
    orgId: string,
    variant: { name: string; sequence: string; chain?: string },
  ): Variant {
    const id = crypto.randomUUID();
    this.#db.run(
      "INSERT INTO pipeline_variants (id, org_id, name, chain, sequence, created_at) VALUES (?, ?, ?, ?, ?, ?)",
      id,
      orgId,
      variant.name,
      variant.chain ?? null,
      variant.sequence,
      isoPython(Date.now()),
    );
    return this.variant(orgId, id)!;
  }

  /** A variant of an org; undefined when it does not exist or another org owns it. */
  variant(orgId: string, variantId: string): Variant | undefined {
    const row = this.#db.get(
      "SELECT * FROM pipeline_variants WHERE id = ? AND org_id = ?",
      variantId.toLowerCase(),
      orgId,
    );
    return row ? toVariant(row) : undefined;
  }

  /** The variants of an org, oldest first. */
  variants(orgId: string): Variant[] {
    return this.#db.all("SELECT * FROM pipeline_variants WHERE org_id = ? ORDER BY seq", orgId).map(
      toVariant,
    );
  }

  /**
   * Submit a job. With an idempotency key, the same key and body answer the job made the
   * first time (`replayed`); the same key with another body is a `409`.
   */
  submit(
    orgId: string,
    body: { variant_id: string; job_type: JobType },
    idempotencyKey: string | undefined,
  ): { job: PipelineJob; replayed: boolean } {
    return this.transaction(() => {
      const fingerprint = sha256(JSON.stringify([body.variant_id.toLowerCase(), body.job_type]));
      if (idempotencyKey !== undefined) {
        const stored = this.#db.get(
          "SELECT request_sha256, job_id FROM pipeline_idempotency WHERE org_id = ? AND key = ?",
          orgId,
          idempotencyKey,
        );
        if (stored) {
          if (String(stored.request_sha256) !== fingerprint) {
            throw new HttpProblem(
              409,
              "Idempotency-Key was already used with a different request body; use a new key for a new job",
            );
          }
          return { job: this.job(orgId, String(stored.job_id))!, replayed: true };
        }
      }
      const variant = this.variant(orgId, body.variant_id);
      if (!variant) throw new HttpProblem(404, `Variant ${body.variant_id} not found`);
      const id = crypto.randomUUID();
      const now: number = Date.now();
      const startsMs = now + this.#pace.pendingMs;
      const endsMs = startsMs + this.#runTime(id, body.job_type);
      this.#db.run(
        `INSERT INTO pipeline_jobs (id, org_id, variant_id, job_type, status, created_ms, starts_ms, ends_ms)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
        id,
        orgId,
        variant.id,
        body.job_type,
        now,
        startsMs,
        endsMs,
      );
      if (idempotencyKey !== undefined) {
        this.#db.run(
          "INSERT INTO pipeline_idempotency (org_id, key, request_sha256, job_id, created_at) VALUES (?, ?, ?, ?, ?)",
          orgId,
          idempotencyKey,
          fingerprint,
          id,
          isoPython(now),
        );
      }
      return { job: this.job(orgId, id)!, replayed: false };
    });
  }

  /** Run time of one job: its type's, varied by up to ±spread by a hash of its id. */
  #runTime(jobId: string, jobType: JobType): number {
    const base = this.#pace.runMs[jobType];
    const unit = parseInt(sha256(jobId).slice(0, 8), 16) / 0xffffffff;
    return Math.round(base * (1 + this.#pace.spread * (2 * unit - 1)));
  }

  /** A job of an org, brought up to date; undefined when unknown or another org's. */
  job(orgId: string, jobId: string, now: number = Date.now()): PipelineJob | undefined {
    return this.transaction(() => {
      const row = this.#db.get(
        "SELECT * FROM pipeline_jobs WHERE id = ? AND org_id = ?",
        jobId.toLowerCase(),
        orgId,
      );
      if (!row) return undefined;
      return toJob(this.#advance(row, now));
    });
  }

  /** The results of a completed job; a `409` with `Retry-After` before that. */
  results(orgId: string, jobId: string, now: number = Date.now()): PipelineJobResults {
    return this.transaction(() => {
      const row = this.#db.get(
        "SELECT * FROM pipeline_jobs WHERE id = ? AND org_id = ?",
        jobId.toLowerCase(),
        orgId,
      );
      if (!row) throw new HttpProblem(404, `Job ${jobId} not found`);
      const job = this.#advance(row, now);
      const status = String(job.status);
      if (status === "failed") {
        throw new HttpProblem(409, `Job ${jobId} failed and has no results: ${job.error_message}`);
      }
      if (status !== "completed") {
        const seconds = Math.max(1, Math.ceil((Number(job.ends_ms) - now) / 1000));
        throw new HttpProblem(
          409,
          `Job ${jobId} is ${status}; results are available once it has completed`,
          { "Retry-After": String(seconds) },
        );
      }
      return {
        job_id: String(job.id),
        variant_id: String(job.variant_id),
        job_type: String(job.job_type),
        status,
        completed_at: job.completed_at === null ? null : String(job.completed_at),
        results: JSON.parse(String(job.results)),
      };
    });
  }

  /** Apply the transitions a job's clock says are due; returns the row as it is now. */
  #advance(row: Row, now: number): Row {
    let status = String(row.status);
    const startsMs = Number(row.starts_ms);
    const endsMs = Number(row.ends_ms);
    if (status === "pending" && now >= startsMs) {
      status = "running";
      this.#db.run(
        "UPDATE pipeline_jobs SET status = 'running', started_at = ? WHERE id = ?",
        isoPython(startsMs),
        String(row.id),
      );
    }
    if (status === "running" && now >= endsMs) {
      const variant = this.#db.get(
        "SELECT sequence FROM pipeline_variants WHERE id = ?",
        String(row.variant_id),
      );
      let outcome: { status: "completed"; results: string } | { status: "failed"; error: string };
      try {
        const results = runPipeline(row.job_type as JobType, String(variant?.sequence ?? ""));
        outcome = { status: "completed", results: JSON.stringify(results) };
      } catch (error) {
        if (!(error instanceof PipelineFailure)) throw error;
        outcome = { status: "failed", error: error.message };
      }
      this.#db.run(
        `UPDATE pipeline_jobs SET status = ?, started_at = COALESCE(started_at, ?), completed_at = ?,
           error_message = ?, results = ? WHERE id = ?`,
        outcome.status,
        isoPython(startsMs),
        isoPython(endsMs),
        outcome.status === "failed" ? outcome.error : null,
        outcome.status === "completed" ? outcome.results : null,
        String(row.id),
      );
    }
    return this.#db.get("SELECT * FROM pipeline_jobs WHERE id = ?", String(row.id))!;
  }

  /** Every job row (tests and benchmarks read timestamps from here). */
  allJobs(): PipelineJob[] {
    return this.#db.all("SELECT * FROM pipeline_jobs ORDER BY seq").map(toJob);
  }

  /** Close the file. */
  close(): void {
    this.#db.close();
  }
}

function toVariant(row: Row): Variant {
  return {
    id: String(row.id),
    name: String(row.name),
    ...(row.chain !== null ? { chain: String(row.chain) } : {}),
    sequence: String(row.sequence),
    created_at: String(row.created_at),
  };
}

function toJob(row: Row): PipelineJob {
  return {
    id: String(row.id),
    variant_id: String(row.variant_id),
    job_type: String(row.job_type),
    status: String(row.status),
    created_at: isoPython(Number(row.created_ms)),
    started_at: row.started_at === null ? null : String(row.started_at),
    completed_at: row.completed_at === null ? null : String(row.completed_at),
    error_message: row.error_message === null ? null : String(row.error_message),
  };
}
