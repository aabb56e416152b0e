/**
 * The credit ledger. Each (job, reason) pair can be booked once — a UNIQUE constraint, not
 * a convention — so a replayed submission or a runner restarted mid-job never charges or
 * refunds twice.
 * @module
 */
import { type Database, number } from "./_db.ts";
import { nowIso } from "./_util.ts";

/**
 * Why credits moved. A minute-billed job without a cap takes one `extension:<minute>` when a
 * new billing minute would pass what it holds — one entry per minute, so a runner that
 * restarts mid-job can never take the same minute twice.
 */
export type LedgerReason =
  | "charge"
  | "reservation"
  | "refund"
  | "release"
  | "grant"
  | `extension:${number}`;

/**
 * Book `delta` credits for a job (negative spends). Returns false when this job already has
 * an entry for `reason`, in which case nothing changes.
 */
export function book(
  db: Database,
  entry: { workspaceId: string; jobId: string | null; delta: number; reason: LedgerReason },
): boolean {
  return db.transaction(() => {
    const inserted = db.run(
      `INSERT OR IGNORE INTO ledger (workspace_id, job_id, delta, reason, created_at)
       VALUES (?, ?, ?, ?, ?)`,
      entry.workspaceId,
      entry.jobId,
      entry.delta,
      entry.reason,
      nowIso(),
    );
    if (inserted.changes === 0) return false;
    db.run(
      "UPDATE workspaces SET credits = credits + ? WHERE id = ?",
      entry.delta,
      entry.workspaceId,
    );
    return true;
  });
}

/** Ledger entries of a job, oldest first (tests read this to prove nothing was booked twice). */
export function ledgerOf(db: Database, jobId: string): { delta: number; reason: string }[] {
  return db.all("SELECT delta, reason FROM ledger WHERE job_id = ? ORDER BY seq", jobId)
    .map((row) => ({ delta: number(row, "delta"), reason: String(row.reason) }));
}

/** Credits a job has taken from its workspace so far, net of everything given back. */
export function netSpent(db: Database, jobId: string): number {
  const row = db.get("SELECT COALESCE(SUM(delta), 0) AS total FROM ledger WHERE job_id = ?", jobId);
  return row ? -number(row, "total") : 0;
}

/** Credits a minute-billed job holds: its reservation plus every extension. */
export function heldCredits(db: Database, jobId: string): number {
  const row = db.get(
    `SELECT COALESCE(SUM(delta), 0) AS total FROM ledger
     WHERE job_id = ? AND (reason = 'reservation' OR reason LIKE 'extension:%')`,
    jobId,
  );
  return row ? -number(row, "total") : 0;
}

/**
 * Give a job's net spending back (FAILED, TIMEOUT, a cancelled pending or queued job).
 * Returns the refunded amount; 0 when nothing was spent or the refund was already booked.
 */
export function refundJob(db: Database, job: { id: string; workspaceId: string }): number {
  return db.transaction(() => {
    const spent = netSpent(db, job.id);
    if (spent <= 0) return 0;
    const booked = book(db, {
      workspaceId: job.workspaceId,
      jobId: job.id,
      delta: spent,
      reason: "refund",
    });
    return booked ? spent : 0;
  });
}
