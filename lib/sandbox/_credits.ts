/**
 * The credit ledger. Each (job, reason) pair can be booked once — a UNIQUE constraint, not
 * a convention — so a replayed submission or a runner restarted mid-job never charges or
 * refunds twice.
 * @module
 */
import { type Database, number } from "./_db.ts";
import { nowIso } from "./_util.ts";

/** Why credits moved. */
export type LedgerReason = "charge" | "reservation" | "refund" | "release" | "grant";

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
