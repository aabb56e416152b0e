/**
 * The job table: reading, listing, inserting and changing jobs. Every change appends the
 * new job resource to the job's event log in the same transaction, so the events stream and
 * the status route can never disagree and a restarted sandbox resumes streams by event id.
 * @module
 */
import type { JobResource, JobStatus, SubmitRequest } from "../contract/jobs.ts";
import type { z } from "../_deps/zod.ts";
import type { JobBilling } from "../contract/jobs.ts";
import { type Database, number, numberOrNull, type Row, text, textOrNull } from "./_db.ts";
import type { ResolvedInput, ResolvedSettings } from "./tools/_types.ts";
import { ApiFailure } from "./_failure.ts";
import { nowIso } from "./_util.ts";

type Billing = z.infer<typeof JobBilling>;

/** A job row, decoded. */
export interface JobRecord {
  seq: number;
  id: string;
  workspaceId: string;
  apiKeyId: string;
  tool: string;
  name: string;
  status: JobStatus;
  progress: number;
  request: z.output<typeof SubmitRequest>;
  resolvedInputs: ResolvedInput[];
  settings: ResolvedSettings;
  creditsUsed: number;
  billing: Billing | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  executionTimeSeconds: number | null;
  attempts: number;
  nextStepAt: number;
  runOwner: string | null;
  eventSeq: number;
}

/** Fields a transition may change. */
export type JobChanges = Partial<
  Pick<
    JobRecord,
    | "status"
    | "progress"
    | "creditsUsed"
    | "billing"
    | "error"
    | "startedAt"
    | "completedAt"
    | "executionTimeSeconds"
    | "attempts"
    | "nextStepAt"
    | "runOwner"
    | "name"
  >
>;

const COLUMNS: Record<keyof JobChanges, string> = {
  status: "status",
  progress: "progress",
  creditsUsed: "credits_used",
  billing: "billing",
  error: "error",
  startedAt: "started_at",
  completedAt: "completed_at",
  executionTimeSeconds: "execution_time_seconds",
  attempts: "attempts",
  nextStepAt: "next_step_at",
  runOwner: "run_owner",
  name: "name",
};

function decode(row: Row): JobRecord {
  const billing = textOrNull(row, "billing");
  return {
    seq: number(row, "seq"),
    id: text(row, "id"),
    workspaceId: text(row, "workspace_id"),
    apiKeyId: text(row, "api_key_id"),
    tool: text(row, "tool"),
    name: text(row, "name"),
    status: text(row, "status") as JobStatus,
    progress: number(row, "progress"),
    request: JSON.parse(text(row, "request")),
    resolvedInputs: JSON.parse(text(row, "resolved_inputs")),
    settings: JSON.parse(text(row, "settings")),
    creditsUsed: number(row, "credits_used"),
    billing: billing ? JSON.parse(billing) : null,
    error: textOrNull(row, "error"),
    createdAt: text(row, "created_at"),
    startedAt: textOrNull(row, "started_at"),
    completedAt: textOrNull(row, "completed_at"),
    executionTimeSeconds: numberOrNull(row, "execution_time_seconds"),
    attempts: number(row, "attempts"),
    nextStepAt: number(row, "next_step_at"),
    runOwner: textOrNull(row, "run_owner"),
    eventSeq: number(row, "event_seq"),
  };
}

/** The public job resource of a record. */
export function toJobResource(job: JobRecord): JobResource {
  return {
    id: job.id,
    object: "job",
    status: job.status,
    tool: job.tool,
    name: job.name,
    credits_used: job.creditsUsed,
    created_at: job.createdAt,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    progress: Math.round(job.progress),
    execution_time_seconds: job.executionTimeSeconds,
    error: job.error,
    ...(job.billing ? { billing: job.billing } : {}),
  };
}

/** A job of this workspace, or `404 not_found` — another workspace's job looks absent. */
export function requireJob(db: Database, workspaceId: string, jobId: string): JobRecord {
  const row = db.get("SELECT * FROM jobs WHERE id = ? AND workspace_id = ?", jobId, workspaceId);
  if (!row) throw new ApiFailure("not_found", `No job "${jobId}" in this workspace`);
  return decode(row);
}

/**
 * The current job resource of a job of this workspace as JSON text, or `404 not_found`. It
 * is the job's latest event (every visible change appends the resource to the log), so the
 * status route answers with the very text the event stream sent, without decoding the row.
 */
export function jobResourceJson(db: Database, workspaceId: string, jobId: string): string {
  const row = db.get(
    `SELECT e.data AS data FROM jobs j JOIN job_events e ON e.job_id = j.id AND e.seq = j.event_seq
     WHERE j.id = ? AND j.workspace_id = ?`,
    jobId,
    workspaceId,
  );
  if (!row) throw new ApiFailure("not_found", `No job "${jobId}" in this workspace`);
  return text(row, "data");
}

/** A job by id, any workspace (for the runner). */
export function findJob(db: Database, jobId: string): JobRecord | undefined {
  const row = db.get("SELECT * FROM jobs WHERE id = ?", jobId);
  return row ? decode(row) : undefined;
}

/** Jobs in the given statuses, oldest first (for the runner). */
export function jobsInStatus(db: Database, statuses: readonly JobStatus[]): JobRecord[] {
  const marks = statuses.map(() => "?").join(", ");
  return db.all(`SELECT * FROM jobs WHERE status IN (${marks}) ORDER BY seq`, ...statuses)
    .map(decode);
}

/**
 * Count a workspace's jobs in the given statuses. Read through the `(workspace_id, status)`
 * index, so the cost is the number of matching jobs — small for the unfinished statuses the
 * limits ask about — not the size of the workspace's history.
 */
export function countJobs(
  db: Database,
  workspaceId: string,
  statuses: readonly JobStatus[],
): number {
  const marks = statuses.map(() => "?").join(", ");
  const row = db.get(
    `SELECT COUNT(*) AS n FROM jobs WHERE workspace_id = ? AND status IN (${marks})`,
    workspaceId,
    ...statuses,
  );
  return row ? number(row, "n") : 0;
}

/**
 * Jobs a workspace created on the UTC day `day` (`YYYY-MM-DD`), for the daily limit: one row
 * of the counters {@linkcode insertJob} keeps.
 */
export function countJobsOnDay(db: Database, workspaceId: string, day: string): number {
  const row = db.get(
    "SELECT n FROM daily_job_counts WHERE workspace_id = ? AND day = ?",
    workspaceId,
    day,
  );
  return row ? number(row, "n") : 0;
}

/** One page of a workspace's jobs, newest first. */
export function listJobs(
  db: Database,
  workspaceId: string,
  query: { limit: number; starting_after?: string; tool?: string; status?: string; q?: string },
): { data: JobResource[]; has_more: boolean; next_cursor: string | null } {
  const where = ["workspace_id = ?"];
  const params: (string | number)[] = [workspaceId];
  if (query.starting_after !== undefined) {
    const cursor = db.get(
      "SELECT seq FROM jobs WHERE id = ? AND workspace_id = ?",
      query.starting_after,
      workspaceId,
    );
    if (!cursor) {
      throw new ApiFailure("validation_error", "starting_after is not a cursor from this list", {
        details: { issues: [{ path: "starting_after", message: "unknown cursor" }] },
      });
    }
    where.push("seq < ?");
    params.push(number(cursor, "seq"));
  }
  if (query.tool) {
    where.push("tool = ?");
    params.push(query.tool);
  }
  if (query.status) {
    where.push("status = ?");
    params.push(query.status);
  }
  if (query.q) {
    where.push("name LIKE ? ESCAPE '\\'");
    params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const rows = db.all(
    `SELECT * FROM jobs WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ?`,
    ...params,
    query.limit + 1,
  ).map(decode);
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return {
    data: page.map(toJobResource),
    has_more: hasMore,
    next_cursor: hasMore ? page[page.length - 1].id : null,
  };
}

/** Insert a new PENDING job and its first event. Call inside a transaction. */
export function insertJob(
  db: Database,
  job: {
    id: string;
    workspaceId: string;
    apiKeyId: string;
    request: z.output<typeof SubmitRequest>;
    resolvedInputs: ResolvedInput[];
    settings: ResolvedSettings;
    creditsUsed: number;
    billing: Billing | null;
    nextStepAt: number;
  },
): JobRecord {
  const createdAt = nowIso();
  db.run(
    `INSERT INTO jobs (id, workspace_id, api_key_id, tool, name, status, progress, request,
       resolved_inputs, settings, credits_used, billing, created_at, next_step_at)
     VALUES (?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?, ?, ?, ?, ?)`,
    job.id,
    job.workspaceId,
    job.apiKeyId,
    job.request.tool,
    job.request.name,
    JSON.stringify(job.request),
    JSON.stringify(job.resolvedInputs),
    JSON.stringify(job.settings),
    job.creditsUsed,
    job.billing ? JSON.stringify(job.billing) : null,
    createdAt,
    job.nextStepAt,
  );
  db.run(
    `INSERT INTO daily_job_counts (workspace_id, day, n) VALUES (?, ?, 1)
     ON CONFLICT (workspace_id, day) DO UPDATE SET n = n + 1`,
    job.workspaceId,
    createdAt.slice(0, 10),
  );
  return updateJob(db, job.id, {});
}

/**
 * Apply changes to a job and append the resulting resource to its event log.
 * A change that alters nothing visible (same status, same rounded progress…) adds no event.
 */
export function updateJob(db: Database, jobId: string, changes: JobChanges): JobRecord {
  return db.transaction(() => {
    const before = findJob(db, jobId);
    if (!before) throw new Error(`job ${jobId} vanished`);
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    for (const [field, value] of Object.entries(changes)) {
      const column = COLUMNS[field as keyof JobChanges];
      if (!column || value === undefined) continue;
      sets.push(`${column} = ?`);
      params.push(
        field === "billing" ? (value === null ? null : JSON.stringify(value)) : value as never,
      );
    }
    if (sets.length > 0) {
      db.run(`UPDATE jobs SET ${sets.join(", ")} WHERE id = ?`, ...params, jobId);
    }
    const after = findJob(db, jobId)!;
    const resource = toJobResource(after);
    if (
      before.eventSeq > 0 &&
      JSON.stringify(resource) === JSON.stringify(toJobResource(before))
    ) {
      return after;
    }
    const seq = after.eventSeq + 1;
    db.run("UPDATE jobs SET event_seq = ? WHERE id = ?", seq, jobId);
    db.run(
      "INSERT INTO job_events (job_id, seq, data, created_at) VALUES (?, ?, ?, ?)",
      jobId,
      seq,
      JSON.stringify(resource),
      nowIso(),
    );
    return { ...after, eventSeq: seq };
  });
}

/** Events of a job after `afterSeq`, in order. */
export function jobEventsAfter(
  db: Database,
  jobId: string,
  afterSeq: number,
): { seq: number; data: string }[] {
  return db.all(
    "SELECT seq, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq",
    jobId,
    afterSeq,
  ).map((row) => ({ seq: number(row, "seq"), data: text(row, "data") }));
}
