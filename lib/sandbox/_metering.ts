/**
 * Per-minute billing of a running job.
 *
 * A minute-billed job is charged per *started* minute at its tool's rate. At submission it
 * reserved its cap (`billing.max_reserved_credits`) or, without a cap, the tool's initial
 * reservation. Before each new minute starts, the meter checks that the job holds enough for
 * it: a capped job whose next minute would pass its cap is stopped (`BUDGET_EXCEEDED`); an
 * uncapped job takes one more minute from the workspace (ledger `extension:<minute>`) and is
 * stopped the same way only when the workspace runs out of credits. When the job ends, the
 * runner settles: used minutes × rate is final, the rest of what it held is released
 * (`release`), or everything is refunded for FAILED and TIMEOUT.
 *
 * One billing minute lasts `billingMinuteMs` real milliseconds (60 000 unless a test makes
 * it shorter); runtimes are reported in those sandbox minutes × 60 seconds.
 *
 * @example
 * ```ts
 * // Used by the runner:
 * // const meter = new MinuteMeter(ctx, job, () => owns(job.id), () => stop.abort());
 * // meter.start(); … meter.stop(); meter.settlement();
 * ```
 * @module
 */
import type { SandboxContext } from "./_context.ts";
import type { JobRecord } from "./_jobs.ts";
import { updateJob } from "./_jobs.ts";
import { book, heldCredits } from "./_credits.ts";
import { getWorkspace } from "./_workspaces.ts";
import { BACKGROUND_BUSY_MS } from "./_db.ts";

/** How soon a minute that could not be booked (database busy) is tried again. */
const RETRY_MS = 100;

/** What a metered job comes to. */
export interface Settlement {
  finalCredits: number;
  heldCredits: number;
  billableRuntimeSeconds: number;
}

/** Meters one run of a minute-billed job. */
export class MinuteMeter {
  readonly #ctx: SandboxContext;
  readonly #job: JobRecord;
  readonly #owns: () => boolean;
  readonly #onExceeded: () => void;
  readonly #rate: number;
  readonly #cap: number | undefined;
  #minutes = 0;
  #startedAt = 0;
  #stoppedAt: number | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #retrying = false;
  #reason: string | undefined;

  /** A meter for `job`; `owns` says whether this runner still runs it. */
  constructor(
    ctx: SandboxContext,
    job: JobRecord,
    owns: () => boolean,
    onExceeded: () => void,
  ) {
    this.#ctx = ctx;
    this.#job = job;
    this.#owns = owns;
    this.#onExceeded = onExceeded;
    this.#rate = job.billing?.rate_credits_per_minute ?? 0;
    this.#cap = job.request.billing?.max_reserved_credits ??
      job.request.billing?.maxReservedCredits;
  }

  /** Whether the job was stopped at its budget. */
  get exceeded(): boolean {
    return this.#reason !== undefined;
  }

  /** Why the budget stopped the job. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Start minute one and the clock. */
  start(): void {
    if (this.#startedAt !== 0) return;
    this.#startedAt = Date.now();
    const timer = setInterval(() => this.#nextMinute(), this.#ctx.settings.billingMinuteMs);
    Deno.unrefTimer(timer);
    this.#timer = timer;
    this.#nextMinute();
  }

  /** Stop the clock (the tool returned, or the budget ran out). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stoppedAt ??= Date.now();
  }

  /** The final figures; read inside the transaction that ends the job. */
  settlement(): Settlement {
    this.stop();
    const runtimeMs = this.#startedAt === 0 ? 0 : (this.#stoppedAt ?? Date.now()) - this.#startedAt;
    return {
      finalCredits: this.#minutes * this.#rate,
      heldCredits: heldCredits(this.#ctx.db, this.#job.id),
      billableRuntimeSeconds: Math.round(runtimeMs / this.#ctx.settings.billingMinuteMs * 60),
    };
  }

  /**
   * The clock's tick. A database error (another process holding the lock) is retried soon by
   * one chain of retries; the interval leaves the minute to that chain meanwhile.
   */
  #nextMinute(fromRetry = false): void {
    if (this.#retrying && !fromRetry) return;
    try {
      const ok = this.#ctx.db.withBusyTimeout(BACKGROUND_BUSY_MS, () => this.#beginMinute());
      this.#retrying = false;
      if (!ok) this.stop();
    } catch (error) {
      if (this.#timer === undefined) return;
      if (!this.#retrying) {
        console.error(
          `sandbox: job ${this.#job.id} could not book its next minute, retrying:`,
          error instanceof Error ? error.message : error,
        );
      }
      this.#retrying = true;
      const retry = setTimeout(() => this.#nextMinute(true), RETRY_MS);
      Deno.unrefTimer(retry);
    }
  }

  /** Begin the next minute if the job may pay for it; otherwise stop it at its budget. */
  #beginMinute(): boolean {
    if (this.#reason !== undefined) return false;
    const { db } = this.#ctx;
    const next = this.#minutes + 1;
    const verdict = db.transaction((): "ok" | "gone" | string => {
      if (!this.#owns()) return "gone";
      const needed = next * this.#rate;
      let held = heldCredits(db, this.#job.id);
      if (needed > held) {
        if (this.#cap !== undefined) {
          return `Stopped after ${this.#minutes} minute(s): minute ${next} would pass the budget of ${this.#cap} credits (max_reserved_credits)`;
        }
        const workspace = getWorkspace(db, this.#job.workspaceId);
        if (!workspace || workspace.credits < needed - held) {
          return `Stopped after ${this.#minutes} minute(s): the workspace ran out of credits for minute ${next}`;
        }
        book(db, {
          workspaceId: this.#job.workspaceId,
          jobId: this.#job.id,
          delta: -(needed - held),
          reason: `extension:${next}`,
        });
        held = needed;
      }
      updateJob(db, this.#job.id, {
        creditsUsed: needed,
        billing: this.#job.billing ? { ...this.#job.billing, reserved_credits: held } : null,
      });
      return "ok";
    });
    if (verdict === "gone") return false;
    if (verdict !== "ok") {
      this.#reason = verdict;
      this.stop();
      this.#onExceeded();
      return false;
    }
    this.#minutes = next;
    this.#ctx.changes.notify(this.#job.id);
    return true;
  }
}
