/**
 * The job runner: moves jobs PENDING → QUEUED → PROCESSING → a terminal state, within each
 * workspace's concurrency limit, and runs their tools in the worker pool.
 *
 * Several sandbox processes may share one database file (two notebooks, a restarted kernel).
 * Only the holder of a lease row runs jobs; the others serve requests from the same tables.
 * A runner that takes the lease over re-runs the jobs its predecessor left PROCESSING, via
 * RETRY — credits were booked at submission and the ledger refuses a second booking.
 *
 * Nothing the runner does may end the server: a tick that fails (another process holding the
 * write lock past the busy timeout, a worker that cannot be spawned) is logged and the next
 * tick tries again; a job whose outcome cannot be written yet keeps its outcome and retries
 * writing it. The runner waits for the lock only briefly ({@linkcode BACKGROUND_BUSY_MS}):
 * node:sqlite waits synchronously, and a long wait would stall every request meanwhile.
 * @module
 */
import type { SandboxContext } from "./_context.ts";
import { findJob, type JobRecord, jobsInStatus, updateJob } from "./_jobs.ts";
import { storeResult } from "./_results.ts";
import { book, heldCredits, refundJob } from "./_credits.ts";
import { ToolRunError, type WorkerPool } from "./_worker_pool.ts";
import { findTool } from "./tools/mod.ts";
import type { ToolOutput } from "./tools/_types.ts";
import { BACKGROUND_BUSY_MS, text } from "./_db.ts";
import { MinuteMeter } from "./_metering.ts";
import { nowIso, randomToken } from "./_util.ts";

const LEASE_KEY = "runner_lease";
const LEASE_MS = 4000;
const TICK_MS = 100;
const MAX_ATTEMPTS = 3;
/** A failure logged once per streak, then at most this often while it lasts. */
const LOG_EVERY_MS = 10_000;
/** Progress events at most this often per job. */
const PROGRESS_INTERVAL_MS = 150;

/** Runs jobs while it holds the lease. */
export class Runner {
  readonly #ctx: SandboxContext;
  readonly #pool: WorkerPool;
  readonly #owner = `runner_${randomToken(10)}`;
  readonly #running = new Map<string, Promise<void>>();
  #timer?: ReturnType<typeof setInterval>;
  #holding = false;
  #leaseRenewedAt = 0;
  #ticking = false;
  #stopped = false;
  readonly #loggedAt = new Map<string, number>();

  /** A runner over a context and pool. */
  constructor(ctx: SandboxContext, pool: WorkerPool) {
    this.#ctx = ctx;
    this.#pool = pool;
  }

  /** Start ticking. */
  start(): void {
    const timer = setInterval(() => this.tick(), TICK_MS);
    Deno.unrefTimer(timer);
    this.#timer = timer;
    this.tick();
  }

  /** Run a tick soon (after a submission). */
  wake(): void {
    queueMicrotask(() => this.tick());
  }

  /** Whether this runner holds the lease. */
  get active(): boolean {
    return this.#holding;
  }

  /** Stop, give up the lease and wait for nothing: running jobs are re-run by the next holder. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    if (this.#holding) {
      try {
        this.#ctx.db.run(
          "DELETE FROM meta WHERE key = ? AND value LIKE ?",
          LEASE_KEY,
          `%"${this.#owner}"%`,
        );
      } catch {
        // the database may already be closed
      }
    }
    this.#holding = false;
  }

  /** One scheduling pass. Public for tests that step time by hand. Never throws. */
  tick(): void {
    if (this.#ticking || this.#stopped) return;
    this.#ticking = true;
    try {
      this.#ctx.db.withBusyTimeout(BACKGROUND_BUSY_MS, () => {
        if (!this.#holdLease()) return;
        this.#advance();
      });
    } catch (error) {
      this.#failed("a scheduling pass failed; retrying on the next tick", error);
    } finally {
      this.#ticking = false;
    }
  }

  /** Log a failure: at most once every {@linkcode LOG_EVERY_MS} per kind, so a long lock does not flood. */
  #failed(what: string, error: unknown): void {
    if (this.#stopped) return;
    const now = Date.now();
    const kind = what.replace(/job_\w+/g, "job");
    if (now - (this.#loggedAt.get(kind) ?? -Infinity) < LOG_EVERY_MS) return;
    this.#loggedAt.set(kind, now);
    console.error(`sandbox: runner: ${what}:`, error instanceof Error ? error.message : error);
  }

  /**
   * Write something a job's run depends on (its outcome, its retry), trying again until it
   * lands or the runner stops: the outcome of a finished tool must not be lost to a busy lock.
   */
  async #persist(what: string, write: () => void): Promise<void> {
    for (let delay = TICK_MS; !this.#stopped; delay = Math.min(delay * 2, 2000)) {
      try {
        this.#ctx.db.withBusyTimeout(BACKGROUND_BUSY_MS, write);
        return;
      } catch (error) {
        this.#failed(`${what}; retrying`, error);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** Ownership for timers: a busy database counts as "still ours" (the next check decides). */
  #stillOwns(jobId: string): boolean {
    try {
      return this.#ctx.db.withBusyTimeout(BACKGROUND_BUSY_MS, () => this.#owns(jobId));
    } catch {
      return true;
    }
  }

  #holdLease(): boolean {
    const now = Date.now();
    if (this.#holding && now - this.#leaseRenewedAt < LEASE_MS / 4) return true;
    const acquired = this.#ctx.db.transaction(() => {
      const row = this.#ctx.db.get("SELECT value FROM meta WHERE key = ?", LEASE_KEY);
      const lease = row
        ? JSON.parse(text(row, "value")) as { owner: string; expires: number }
        : null;
      if (lease && lease.owner !== this.#owner && lease.expires > now) return false;
      this.#ctx.db.run(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        LEASE_KEY,
        JSON.stringify({ owner: this.#owner, expires: now + LEASE_MS }),
      );
      return true;
    });
    if (acquired && !this.#holding) this.#recover();
    this.#holding = acquired;
    if (acquired) this.#leaseRenewedAt = now;
    return acquired;
  }

  /** Jobs a previous runner left running go back through RETRY. */
  #recover(): void {
    for (const job of jobsInStatus(this.#ctx.db, ["PROCESSING", "RETRY"])) {
      if (this.#running.has(job.id)) continue;
      this.#set(job.id, {
        status: "RETRY",
        runOwner: null,
        nextStepAt: Date.now() + this.#ctx.settings.pace.retryDelayMs,
      });
    }
  }

  #set(jobId: string, changes: Parameters<typeof updateJob>[2]): JobRecord {
    const job = updateJob(this.#ctx.db, jobId, changes);
    this.#ctx.changes.notify(jobId);
    return job;
  }

  #advance(): void {
    const now = Date.now();
    const { pace } = this.#ctx.settings;
    for (const job of jobsInStatus(this.#ctx.db, ["PENDING"])) {
      if (job.nextStepAt <= now) {
        this.#set(job.id, { status: "QUEUED", nextStepAt: now + pace.queuedMs });
      }
    }
    const runningByWorkspace = new Map<string, number>();
    const waiting: JobRecord[] = [];
    for (const job of jobsInStatus(this.#ctx.db, ["PROCESSING", "RETRY", "QUEUED"])) {
      if (job.status === "QUEUED") {
        waiting.push(job);
        continue;
      }
      runningByWorkspace.set(job.workspaceId, (runningByWorkspace.get(job.workspaceId) ?? 0) + 1);
      if (job.status === "RETRY" && job.nextStepAt <= now && !this.#running.has(job.id)) {
        this.#launch(job);
      }
    }
    for (const job of waiting) {
      if (job.nextStepAt > now) continue;
      const workspace = this.#ctx.db.get(
        "SELECT max_concurrent_jobs FROM workspaces WHERE id = ?",
        job.workspaceId,
      );
      const max = Number(workspace?.max_concurrent_jobs ?? 1);
      const running = runningByWorkspace.get(job.workspaceId) ?? 0;
      if (running >= max) continue;
      runningByWorkspace.set(job.workspaceId, running + 1);
      this.#launch(job);
    }
  }

  #launch(job: JobRecord): void {
    const started = this.#set(job.id, {
      status: "PROCESSING",
      startedAt: job.startedAt ?? nowIso(),
      attempts: job.attempts + 1,
      runOwner: this.#owner,
      progress: 0,
    });
    const run = this.#execute(started).catch((error) => {
      console.error(`sandbox: job ${job.id} could not be finished:`, error);
    }).finally(() => this.#running.delete(job.id));
    this.#running.set(job.id, run);
  }

  async #execute(job: JobRecord): Promise<void> {
    const tool = findTool(job.tool);
    const { pace, defaultTimeLimitSeconds, toolTimeLimits } = this.#ctx.settings;
    const startedAt = Date.now();
    let toolFraction = 0;
    let shown = job.progress;
    let shownAt = 0;
    const visibleFraction = () => {
      const elapsed = Date.now() - startedAt;
      const paced = pace.minProcessingMs > 0 ? elapsed / pace.minProcessingMs : 1;
      return Math.min(toolFraction, paced);
    };
    const publish = () => {
      const progress = Math.min(99, Math.floor(visibleFraction() * 100));
      const now = Date.now();
      if (progress <= shown || now - shownAt < PROGRESS_INTERVAL_MS) return;
      try {
        this.#ctx.db.withBusyTimeout(BACKGROUND_BUSY_MS, () => {
          if (!this.#owns(job.id)) return;
          this.#set(job.id, { progress });
          shown = progress;
          shownAt = now;
        });
      } catch (error) {
        // Progress is cosmetic: the next publish tries again.
        this.#failed(`job ${job.id} progress could not be written`, error);
      }
    };
    const ticker = setInterval(publish, PROGRESS_INTERVAL_MS / 2);
    const stop = new AbortController();
    const meter = job.billing?.mode === "per_minute"
      ? new MinuteMeter(this.#ctx, job, () => this.#stillOwns(job.id), () => stop.abort())
      : undefined;
    try {
      if (!tool) throw new ToolRunError("failed", `tool ${job.tool} is no longer available`);
      const limitSeconds = toolTimeLimits[job.tool] ?? tool.definition.limits.time_limit_seconds ??
        defaultTimeLimitSeconds;
      let output: ToolOutput;
      try {
        output = await this.#pool.run(
          {
            toolId: job.tool,
            inputs: job.resolvedInputs,
            settings: job.settings,
            attempt: job.attempts,
          },
          {
            timeoutMs: limitSeconds * 1000,
            signal: stop.signal,
            // Billing minutes start when the tool does, not when its worker is spawned.
            onStart: () => meter?.start(),
            onProgress: (fraction) => {
              toolFraction = fraction;
            },
          },
        );
      } catch (error) {
        // A tool that would not stop in time still ends the job as its budget says.
        if (!(meter?.exceeded && error instanceof ToolRunError && error.kind === "stopped")) {
          throw error;
        }
        output = { results: { partial: true }, files: [] };
      } finally {
        meter?.stop();
      }
      if (meter?.exceeded) {
        if (this.#stopped) return;
        await this.#persist(
          `job ${job.id} could not be finished`,
          () => this.#finish(job, startedAt, { status: "BUDGET_EXCEEDED", output, meter }),
        );
        return;
      }
      toolFraction = 1;
      // Let the bar rise to the end of the paced time so a watcher sees the run happen.
      while (!this.#stopped && Date.now() - startedAt < pace.minProcessingMs) {
        await new Promise((resolve) => setTimeout(resolve, PROGRESS_INTERVAL_MS / 2));
        publish();
      }
      if (this.#stopped) return;
      const completed = output;
      await this.#persist(
        `job ${job.id} could not be finished`,
        () => this.#finish(job, startedAt, { status: "COMPLETED", output: completed, meter }),
      );
    } catch (error) {
      if (this.#stopped) return;
      const failure = error instanceof ToolRunError
        ? error
        : new ToolRunError("failed", String(error));
      if (failure.kind === "crashed" && job.attempts < MAX_ATTEMPTS) {
        console.error(
          `sandbox: job ${job.id}: tool worker crashed (attempt ${job.attempts}), retrying:`,
          failure.message,
        );
        await this.#persist(`job ${job.id} could not be set to RETRY`, () => {
          if (!this.#owns(job.id)) return;
          this.#set(job.id, {
            status: "RETRY",
            runOwner: null,
            nextStepAt: Date.now() + pace.retryDelayMs,
          });
          this.wake();
        });
        return;
      }
      await this.#persist(
        `job ${job.id} could not be finished`,
        () =>
          this.#finish(job, startedAt, {
            status: failure.kind === "timeout" ? "TIMEOUT" : "FAILED",
            error: failure.kind === "crashed"
              ? `${failure.message} (gave up after ${job.attempts} attempts)`
              : failure.message,
            meter,
          }),
      );
    } finally {
      clearInterval(ticker);
      meter?.stop();
    }
  }

  /** Whether this runner still owns the job (a successor may have taken it over). */
  #owns(jobId: string): boolean {
    const job = findJob(this.#ctx.db, jobId);
    return job !== undefined && job.runOwner === this.#owner && job.status === "PROCESSING";
  }

  #finish(
    job: JobRecord,
    startedAt: number,
    outcome:
      | { status: "COMPLETED" | "BUDGET_EXCEEDED"; output: ToolOutput; meter?: MinuteMeter }
      | { status: "FAILED" | "TIMEOUT"; error: string; meter?: MinuteMeter },
  ): void {
    const db = this.#ctx.db;
    const finished = db.transaction(() => {
      if (!this.#owns(job.id)) return false;
      const current = findJob(db, job.id)!;
      const now = nowIso();
      const seconds = Math.round((Date.now() - startedAt) / 10) / 100;
      const metered = outcome.meter?.settlement();
      if (outcome.status === "COMPLETED" || outcome.status === "BUDGET_EXCEEDED") {
        storeResult(db, current, outcome.output);
        let finalCredits = current.creditsUsed;
        if (metered) {
          // Give back what the job held beyond the minutes it used (or take the shortfall).
          finalCredits = metered.finalCredits;
          const held = heldCredits(db, job.id);
          if (held > finalCredits) {
            book(db, {
              workspaceId: current.workspaceId,
              jobId: job.id,
              delta: held - finalCredits,
              reason: "release",
            });
          } else if (held < finalCredits) {
            book(db, {
              workspaceId: current.workspaceId,
              jobId: job.id,
              delta: held - finalCredits,
              reason: "charge",
            });
          }
        }
        updateJob(db, job.id, {
          status: outcome.status,
          progress: outcome.status === "COMPLETED" ? 100 : current.progress,
          completedAt: now,
          executionTimeSeconds: seconds,
          runOwner: null,
          creditsUsed: finalCredits,
          error: outcome.status === "BUDGET_EXCEEDED"
            ? outcome.meter?.reason ?? "stopped at its budget"
            : null,
          billing: current.billing
            ? {
              ...current.billing,
              ...(metered
                ? {
                  reserved_credits: metered.heldCredits,
                  billable_runtime_seconds: metered.billableRuntimeSeconds,
                }
                : {}),
              final_credits: finalCredits,
              outcome: outcome.status === "COMPLETED" ? "charged" : "budget_exceeded",
              finalized_at: now,
            }
            : null,
        });
        return true;
      }
      // Failed and timed-out jobs are refunded automatically, as the web app documents.
      refundJob(db, current);
      updateJob(db, job.id, {
        status: outcome.status,
        completedAt: now,
        executionTimeSeconds: seconds,
        error: "error" in outcome ? outcome.error : null,
        runOwner: null,
        creditsUsed: 0,
        billing: current.billing
          ? {
            ...current.billing,
            ...(metered
              ? {
                reserved_credits: metered.heldCredits,
                billable_runtime_seconds: metered.billableRuntimeSeconds,
              }
              : {}),
            final_credits: 0,
            outcome: "refunded",
            finalized_at: now,
          }
          : null,
      });
      return true;
    });
    if (finished) {
      this.#ctx.changes.notify(job.id);
      // A slot just freed: start the next queued job now, not at the next tick.
      this.wake();
    }
  }

  /** Wait for the jobs this runner is executing (tests use it to settle). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running.values()]);
  }
}
