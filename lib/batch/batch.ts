/**
 * Batches: one call runs many jobs, resumably and within the account's limits.
 *
 * {@linkcode runBatch} takes a vendor adapter and keyed items and:
 * 1. opens the batch's **manifest** (a JSON file next to the notebook by default) and matches
 *    every item against it by key and payload hash: submitted jobs are reattached, finished
 *    ones kept, changed items re-submitted, and only what is missing is submitted;
 * 2. **prices** what is left to submit (the vendor's quotes) and refuses to start — showing
 *    the total — when it would pass the caller's `budget` or the credits available;
 * 3. keeps **exactly as many jobs in flight** as the account allows (its concurrency limit),
 *    submitting the next the moment one ends; backs off on `429 rate_limited` for as long as
 *    `Retry-After` says; stops cleanly at the daily job limit, leaving the rest unsubmitted;
 * 4. follows every job through the adapter — events where the vendor streams them, its
 *    documented polling otherwise — and shows one live board for the whole batch.
 *
 * Every item is submitted under an `Idempotency-Key` derived from the batch name, the item
 * key and the payload, so even a process killed between a submission and the manifest write
 * cannot create a second job or pay twice: the next run's submission is a replay.
 *
 * @example
 * ```ts
 * import { connect, runToolBatch } from "../../mod.ts";

 * const piq = await connect();
 * const batch = await runToolBatch(piq, {
 *   name: "screen-2024-06",
 *   tool: "protein-properties",
 *   inputs: await Deno.readTextFile("library.fasta"), // one job per record
 *   budget: 500,
 * });
 * await batch.wait(); // the live board; re-running the cell resumes
 * await batch.table(); // one row per item
 * await batch.exportTo("screen.csv");
 * ```
 * @module
 */
import { dirname, resolve } from "node:path";

import { abortErrorOf, sleep } from "../client/_core.ts";

import {
  AbortError,
  APIError,
  ConflictError,
  InsufficientCreditsError,
  InvalidRequestError,
  NotFoundError,
  ProteinIQError,
  RateLimitError,
  UnknownStatusError,
  ValidationError,
} from "../client/errors.ts";

import { MultiJobProgress, renderMultiJobProgress } from "../display/multi_progress.ts";

import type { StatusStyle, StatusStyleFn } from "../display/progress.ts";

import { type Column, renderTable } from "../display/table.ts";

import { html } from "../display/_html.ts";

import { recordsToCSV } from "../display/export.ts";

import {
  $display,
  cellOutput,
  type Displayable,
  inJupyter,
  type MimeBundle,
  withDisplay,
} from "../display/_jupyter.ts";

import {
  type BatchEstimate,
  type JobAdapter,
  type JobRecords,
  type JobSnapshot,
  waitForJob,
} from "./adapter.ts";

import { type ItemState, Manifest } from "./_manifest.ts";
import { defaultManifestPath, idempotencyKeyFor, payloadHash } from "./_keys.ts";

import { mapLimit, riding429 } from "./_retry.ts";

import type { BatchItem } from "./items.ts";
import type { ManifestItem } from "../contract/_wire.ts";

/** Options of {@linkcode runBatch}. */
export interface BatchOptions {
  /**
   * The batch's name: with each item's key and payload it derives the idempotency keys, and
   * it names the manifest. Run the same name again to resume.
   */
  name: string;
  /** Manifest file. Default `.proteiniq-batches/<name>.json` in the working directory; `false` keeps it in memory. */
  manifest?: string | false;
  /** Most credits the whole batch may cost (already spent + still to submit). */
  budget?: number;
  /** Jobs in flight at once. Default and maximum: the account's concurrency limit. */
  concurrency?: number;
  /**
   * Extra jobs submitted beyond the concurrency limit, to wait queued at the vendor so a slot
   * that frees starts the next job without a round trip. Default: the concurrency itself
   * (twice the limit submitted) when the batch runs at the account's concurrency limit, so the
   * extra jobs wait QUEUED at the vendor; otherwise 0 (below the limit, or a vendor that states
   * none, extra jobs would run at once). With the sandbox's demo pace (300 ms PENDING + 300 ms QUEUED)
   * and 1 s jobs at a limit of 3, exactly the limit (`0`) kept slots busy 0.615 of the time
   * (makespan 1.63× ideal); queueing the limit again ahead reaches 0.99. The workspace's cap on
   * unfinished jobs still bounds it: the batch shrinks its window when the server says so.
   */
  queueAhead?: number;
  /** Items the vendor would refuse: `"refuse"` the batch (default) or `"skip"` them. */
  onInvalid?: "refuse" | "skip";
  /** Stops submitting and following (jobs keep running; run again to resume). */
  signal?: AbortSignal;
  /** Heading of the live board. */
  title?: string;
  /** Print no notes (plan, pauses, stops). */
  quiet?: boolean;
  /** Where notes go. Default `console.log`. */
  log?: (line: string) => void;
  /** Whether `wait()` shows the live board by default. Default: in Jupyter and terminals. */
  display?: boolean;
}

/** The price of a batch, from the vendor's quotes. */
export interface BatchCost {
  /** Credits still to be spent on items not submitted yet. */
  toSubmit: number;
  /** Credits already spent by this batch's jobs. */
  spent: number;
  /** `toSubmit + spent`. */
  total: number;
  /** The caller's budget, if any. */
  budget: number | null;
  /** Credits the workspace has. */
  available: number | null;
}

/** Counts of a batch's items. */
export interface BatchSummary {
  /** Items in the batch. */
  total: number;
  /** Items whose job completed. */
  completed: number;
  /** Items whose job failed (or ended in a status this client does not know). */
  failed: number;
  /** Items cancelled, as jobs or before submission. */
  cancelled: number;
  /** Items refused before submission (nothing was charged). */
  invalid: number;
  /** Items whose job is still running or waiting at the vendor. */
  running: number;
  /** Items not submitted (yet). */
  notSubmitted: number;
  /** Credits the batch's jobs used (refunds deducted). */
  credits: number;
  /** Why the batch stopped before every item ran, if it did. */
  stopReason: string | null;
}

/** One row of the batch's result table. */
export type BatchRow = Record<string, unknown> & {
  key: string;
  status: string;
  job_id: string | null;
  error: string | null;
};

/**
 * The batch would cost more than allowed; nothing was submitted.
 *
 * @example
 * ```ts
 * import { BatchBudgetError, connect, runToolBatch } from "../../mod.ts";
 *
 * const piq = await connect();
 * try {
 *   await runToolBatch(piq, {
 *     name: "budget check",
 *     tool: "protein-properties",
 *     inputs: ">a\nMKTAYIAKQR\n>b\nGSHMLEDPVAG\n>c\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT\n",
 *     budget: 1,
 *     manifest: false,
 *   });
 * } catch (error) {
 *   if (!(error instanceof BatchBudgetError)) throw error;
 *   console.log(`${error.cost.total} credits needed, ${error.cost.budget} allowed`);
 * }
 * ```
 */
export class BatchBudgetError extends ProteinIQError {
  /** The price. */
  readonly cost: BatchCost;
  /** Build for a price and a reason. */
  constructor(message: string, cost: BatchCost) {
    super(message);
    this.cost = cost;
  }
}

/**
 * Some items would be refused; nothing was submitted (pass `onInvalid: "skip"` to run the rest).
 *
 * @example
 * ```ts
 * import { BatchInvalidItemsError, connect, runToolBatch } from "../../mod.ts";
 *
 * const piq = await connect();
 * const options = {
 *   name: "with a blank record",
 *   tool: "protein-properties",
 *   inputs: { good: ">good\nMKTAYIAKQR", blank: ">blank\n" },
 *   manifest: false as const,
 * };
 * try {
 *   await runToolBatch(piq, options);
 * } catch (error) {
 *   if (!(error instanceof BatchInvalidItemsError)) throw error;
 *   console.log(error.items.map((item) => `${item.key}: ${item.error}`));
 *   await (await runToolBatch(piq, { ...options, onInvalid: "skip" })).wait(); // the others
 * }
 * ```
 */
export class BatchInvalidItemsError extends ProteinIQError {
  /** Each refused item and why. */
  readonly items: { key: string; error: string }[];
  /** Build for items. */
  constructor(batch: string, items: { key: string; error: string }[]) {
    super(
      `${items.length} item${
        items.length === 1 ? "" : "s"
      } of batch "${batch}" would be refused, so nothing was ` +
        `submitted: ${items.slice(0, 3).map((item) => `${item.key} (${item.error})`).join("; ")}${
          items.length > 3 ? `; and ${items.length - 3} more` : ""
        }. Fix them, or pass onInvalid: "skip" to run the others`,
    );
    this.items = items;
  }
}

/** Statuses of items that have no job (yet), for the board. */
const ITEM_STYLES: Record<string, StatusStyle> = {
  "not submitted": {
    label: "Not submitted",
    hint: "not submitted yet",
    color: "#9ca3af",
    symbol: "·",
    terminal: false,
    phase: "waiting",
  },
  invalid: {
    label: "Invalid input",
    hint: "refused before submission; nothing was charged",
    color: "#b91c1c",
    symbol: "✗",
    terminal: true,
    phase: "failed",
  },
  skipped: {
    label: "Skipped",
    hint: "cancelled before submission; nothing was charged",
    color: "#6b7280",
    symbol: "■",
    terminal: true,
    phase: "stopped",
  },
  "status unknown": {
    label: "Status unknown",
    hint: "the vendor reported a status this client does not know",
    color: "#6b7280",
    symbol: "?",
    terminal: true,
    phase: "failed",
  },
};

/** Batches of this process by manifest path: a re-run cell takes over from the earlier run. */
const ACTIVE = new Map<string, Batch<unknown>>();

/**
 * A running or finished batch.
 *
 * @example
 * ```ts
 * import { connect, runToolBatch } from "../../mod.ts";
 *
 * const piq = await connect();
 * const batch = await runToolBatch(piq, {
 *   name: "insulin chains",
 *   tool: "protein-properties",
 *   inputs: { a_chain: "GIVEQCCTSICSLYQLENYCN", b_chain: "FVNQHLCGSHLVEALYLVCGERGFFYTPKT" },
 *   manifest: false, // keep no file: a re-run starts afresh
 * });
 * await batch.wait(); // the live board
 * if (batch.summary.failed > 0) await batch.retryFailed();
 * console.log(batch.summary.completed, batch.stopReason); // 2 null
 * await batch.exportTo("insulin.csv"); // one row per item
 * ```
 */
export class Batch<P> implements Displayable {
  /** The batch's name. */
  readonly name: string;
  /** Where the manifest is, or null when it is kept in memory. */
  readonly manifestPath: string | null;
  /** What the batch did before starting (reattached, skipped, pauses…). */
  readonly notes: string[] = [];
  /** The price at the start, when the vendor quotes. */
  cost: BatchCost | null = null;
  /** Jobs the batch keeps in flight. */
  concurrency = 1;

  readonly #adapter: JobAdapter<P>;
  readonly #manifest: Manifest;
  readonly #options: BatchOptions;
  readonly #order: string[];
  readonly #payloads = new Map<string, P>();
  readonly #live = new Map<string, JobSnapshot>();
  readonly #records = new Map<string, JobRecords>();
  readonly #queue: string[] = [];
  readonly #inFlight = new Set<string>();
  readonly #controller = new AbortController();
  readonly #style: StatusStyleFn;
  #window = 1;
  #pausedUntil = 0;
  #submitStop: string | null = null;
  #pumping = false;
  #pumpAgain = false;
  #done = Promise.withResolvers<void>();
  #finished = false;
  #board?: MultiJobProgress;
  #boardShown = false;

  /** @internal Use {@linkcode runBatch}. */
  constructor(
    adapter: JobAdapter<P>,
    run: { manifest: Manifest; options: BatchOptions; order: string[] },
  ) {
    const { manifest, options, order } = run;
    this.#adapter = adapter;
    this.#manifest = manifest;
    this.#options = options;
    this.name = options.name;
    this.manifestPath = manifest.path;
    this.#order = order;
    this.#style = (status) => ITEM_STYLES[status] ?? adapter.style(status);
    const external = options.signal;
    if (external) {
      const onAbort = () => this.#controller.abort(external.reason);
      if (external.aborted) onAbort();
      else external.addEventListener("abort", onAbort, { once: true });
    }
  }

  // ---- the plan -------------------------------------------------------------------------

  /** @internal Match items with the manifest, price what is left, and start. */
  async start(items: readonly BatchItem<P>[]): Promise<void> {
    const signal = this.#controller.signal;
    const reattach: ManifestItem[] = [];
    let changed = 0;
    for (const item of items) {
      const hash = item.payload === undefined
        ? `invalid:${item.error ?? ""}`
        : payloadHash(item.payload);
      if (item.payload !== undefined) this.#payloads.set(item.key, item.payload);
      let entry = this.#manifest.get(item.key);
      if (entry && entry.payload_sha256 !== hash) {
        changed++;
        if (entry.job_id) {
          entry.history.push({
            job_id: entry.job_id,
            status: entry.status,
            payload_sha256: entry.payload_sha256,
            attempt: entry.attempt,
          });
        }
        Object.assign(entry, blankEntry(item.key, hash), { history: entry.history });
      }
      entry ??= this.#manifest.add(blankEntry(item.key, hash));
      if (item.payload === undefined) {
        entry.state = "invalid";
        entry.error = item.error ?? "the input could not be turned into a request";
        continue;
      }
      if (entry.state === "submitted" || (entry.state === "unknown" && entry.job_id)) {
        reattach.push(entry);
      } else if (entry.state === "cancelled" && !entry.job_id) entry.state = "unsubmitted";
      if (["unsubmitted", "submitting", "invalid"].includes(entry.state)) {
        if (entry.state === "invalid") entry.state = "unsubmitted";
        this.#queue.push(entry.key);
      }
    }
    // Submissions that may have reached the server go first, so their replays come at once.
    this.#queue.sort((a, b) =>
      Number(this.#manifest.get(b)!.state === "submitting") -
      Number(this.#manifest.get(a)!.state === "submitting")
    );
    const finished = items.filter((item) => {
      const state = this.#manifest.get(item.key)!.state;
      return state === "completed" || state === "failed" || state === "cancelled";
    }).length;
    if (
      this.#manifest.items.length > items.length || finished > 0 || reattach.length > 0 ||
      changed > 0
    ) {
      this.#note(
        `Batch "${this.name}": ${items.length} items — ${finished} already finished, ${reattach.length} to reattach, ` +
          `${this.#queue.length} to submit${
            changed > 0 ? ` (${changed} changed since the last run)` : ""
          }.`,
      );
    }

    const unusable = items.filter((item) => item.payload === undefined).map((item) => ({
      key: item.key,
      error: this.#manifest.get(item.key)!.error ?? "",
    }));
    if (unusable.length > 0 && (this.#options.onInvalid ?? "refuse") === "refuse") {
      await this.#manifest.flush();
      throw new BatchInvalidItemsError(this.name, unusable);
    }
    if (unusable.length > 0) {
      this.#note(
        `Skipping ${unusable.length} unusable input${unusable.length === 1 ? "" : "s"}: ${
          unusable.map((item) => item.key).join(", ")
        }.`,
      );
    }
    await this.#price(signal);
    const limit = await this.#concurrencyLimit(signal);
    this.concurrency = this.#options.concurrency !== undefined && limit !== null
      ? Math.max(1, Math.min(this.#options.concurrency, limit))
      : Math.max(1, this.#options.concurrency ?? limit ?? 4);
    if (
      this.#options.concurrency !== undefined && limit !== null && this.#options.concurrency > limit
    ) {
      this.#note(
        `The account runs at most ${limit} jobs at once; the batch keeps ${limit} in flight, not ${this.#options.concurrency}.`,
      );
    }
    // Queued-ahead jobs wait at the vendor only when the batch runs at the account's own limit;
    // below it (or with no vendor limit, as for pipeline jobs) they would simply run, so the
    // batch would exceed the concurrency it was given.
    const queueAhead = this.#options.queueAhead ??
      (limit !== null && this.concurrency >= limit ? this.concurrency : 0);
    this.#window = this.concurrency + Math.max(0, queueAhead);
    await this.#manifest.flush();

    // Reattach before submitting, so jobs already in flight count against the limit.
    for (const entry of reattach) {
      let snapshot: JobSnapshot;
      try {
        snapshot = await riding429(() => this.#adapter.get(entry.job_id!, { signal }), { signal });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        this.#note(
          `Job ${entry.job_id} of item ${entry.key} is not in this account (another workspace or a fresh sandbox); submitting the item again.`,
        );
        entry.history.push({
          job_id: entry.job_id!,
          status: entry.status,
          payload_sha256: entry.payload_sha256,
          attempt: entry.attempt,
        });
        Object.assign(entry, blankEntry(entry.key, entry.payload_sha256), {
          history: entry.history,
        });
        this.#queue.unshift(entry.key);
        continue;
      }
      this.#observe(entry, snapshot);
      if (this.#adapter.describe(snapshot.status).terminal) {
        this.#settle(entry, snapshot);
      } else {
        this.#inFlight.add(entry.key);
        void this.#follow(entry, snapshot);
      }
    }
    this.#manifest.touch();
    this.#render();
    void this.#pump();
  }

  /** Price the items still to submit and refuse over budget or credits. */
  async #price(signal: AbortSignal): Promise<void> {
    if (!this.#adapter.estimate) {
      if (this.#options.budget !== undefined) {
        this.#note(
          `${this.#adapter.vendor} does not price jobs before they run; the budget cannot be checked.`,
        );
      }
      return;
    }
    const unpriced = this.#queue.filter((key) => this.#manifest.get(key)!.quoted_credits == null);
    let estimate: BatchEstimate;
    try {
      estimate = await this.#adapter.estimate(unpriced.map((key) => this.#payloads.get(key)!), {
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal);
      throw error;
    }
    const invalid: { key: string; error: string }[] = [];
    unpriced.forEach((key, index) => {
      const entry = this.#manifest.get(key)!;
      const problems = estimate.problems[index] ?? [];
      if (problems.length > 0) {
        entry.state = "invalid";
        entry.error = problems.join("; ");
        entry.quoted_credits = null;
        invalid.push({ key, error: entry.error });
      } else {
        entry.quoted_credits = estimate.perItem[index] ?? 0;
      }
    });
    if (invalid.length > 0) {
      if ((this.#options.onInvalid ?? "refuse") === "refuse") {
        await this.#manifest.flush();
        throw new BatchInvalidItemsError(this.name, invalid);
      }
      this.#note(
        `Skipping ${invalid.length} invalid item${invalid.length === 1 ? "" : "s"}: ${
          invalid.map((item) => item.key).join(", ")
        }.`,
      );
      for (const { key } of invalid) this.#queue.splice(this.#queue.indexOf(key), 1);
    }
    const toSubmit = this.#queue.reduce(
      (sum, key) => sum + (this.#manifest.get(key)!.quoted_credits ?? 0),
      0,
    );
    const spent = this.#manifest.items.reduce(
      (sum, entry) =>
        sum +
        (this.#order.includes(entry.key) && entry.job_id
          ? entry.credits ?? entry.quoted_credits ?? 0
          : 0),
      0,
    );
    const cost: BatchCost = {
      toSubmit,
      spent,
      total: toSubmit + spent,
      budget: this.#options.budget ?? null,
      available: estimate.availableCredits,
    };
    this.cost = cost;
    const pending = this.#queue.length;
    const describe =
      `${pending} item${pending === 1 ? "" : "s"} to submit would cost ${round(toSubmit)} credits` +
      (spent > 0 ? ` (${round(spent)} already spent, ${round(cost.total)} in all)` : "");
    if (cost.budget !== null && cost.total > cost.budget) {
      await this.#manifest.flush();
      throw new BatchBudgetError(
        `Batch "${this.name}": ${describe}, over the budget of ${cost.budget} credits; nothing was submitted. ` +
          "Raise `budget`, or run fewer items.",
        cost,
      );
    }
    if (cost.available !== null && toSubmit > cost.available) {
      await this.#manifest.flush();
      throw new BatchBudgetError(
        `Batch "${this.name}": ${describe}, but the workspace has ${
          round(cost.available)
        } credits; nothing was submitted. ` +
          "Top up the workspace's credits, or run fewer items.",
        cost,
      );
    }
    if (pending > 0) {
      this.#note(
        `Batch "${this.name}": ${describe}${
          cost.available !== null ? ` of ${round(cost.available)} available` : ""
        }.`,
      );
    }
    const { dailyMax, dailyUsed } = estimate.limits;
    if (dailyMax !== null && dailyUsed !== null && pending > dailyMax - dailyUsed) {
      this.#note(
        `The workspace may submit ${
          Math.max(0, dailyMax - dailyUsed)
        } more jobs today (daily limit ${dailyMax}); ` +
          "the batch will stop there and leave the rest unsubmitted — run it again after midnight UTC.",
      );
    }
    this.#limitsFromEstimate = estimate.limits.maxConcurrentJobs;
  }

  #limitsFromEstimate: number | null = null;

  async #concurrencyLimit(signal: AbortSignal): Promise<number | null> {
    if (this.#limitsFromEstimate !== null) return this.#limitsFromEstimate;
    if (!this.#adapter.concurrency) return null;
    try {
      return await riding429(() => this.#adapter.concurrency!({ signal }), { signal });
    } catch (error) {
      if (signal.aborted) throw abortErrorOf(signal);
      this.#note(
        `Could not read the account's concurrency limit (${
          (error as Error).message
        }); running 1 job at a time.`,
      );
      return 1;
    }
  }

  // ---- the scheduler --------------------------------------------------------------------

  /** Submit while there is room; called whenever a slot frees or a pause ends. */
  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    const signal = this.#controller.signal;
    try {
      do {
        this.#pumpAgain = false;
        while (
          !signal.aborted && this.#submitStop === null && this.#queue.length > 0 &&
          this.#inFlight.size < this.#window
        ) {
          const wait = this.#pausedUntil - Date.now();
          if (wait > 0) {
            await sleep(wait, signal).catch(() => undefined);
            continue;
          }
          const key = this.#queue.shift()!;
          this.#inFlight.add(key);
          await this.#submit(this.#manifest.get(key)!);
        }
      } while (this.#pumpAgain && !signal.aborted);
    } finally {
      this.#pumping = false;
    }
    this.#checkDone();
  }

  async #submit(entry: ManifestItem): Promise<void> {
    const signal = this.#controller.signal;
    entry.idempotency_key = idempotencyKeyFor(this.name, {
      key: entry.key,
      payloadSha256: entry.payload_sha256,
      attempt: entry.attempt,
    });
    entry.state = "submitting";
    this.#manifest.touch();
    let snapshot: JobSnapshot;
    try {
      snapshot = await this.#adapter.submit!(this.#payloads.get(entry.key)!, {
        idempotencyKey: entry.idempotency_key,
        signal,
      });
    } catch (error) {
      this.#inFlight.delete(entry.key);
      this.#refused(entry, error);
      this.#manifest.touch();
      this.#render();
      return;
    }
    entry.job_id = snapshot.id;
    entry.state = "submitted";
    entry.submitted_at = new Date().toISOString();
    entry.error = null;
    this.#observe(entry, snapshot);
    this.#manifest.touch();
    this.#render();
    if (this.#adapter.describe(snapshot.status).terminal) {
      this.#inFlight.delete(entry.key);
      this.#settle(entry, snapshot);
      return;
    }
    void this.#follow(entry, snapshot);
  }

  /** A submission was refused or got no answer: decide what that means for the batch. */
  #refused(entry: ManifestItem, error: unknown): void {
    const signal = this.#controller.signal;
    const back = () => this.#queue.unshift(entry.key);
    if (signal.aborted) {
      back();
      return;
    }
    if (error instanceof RateLimitError) {
      const ms = (error.retryAfterSeconds ?? 1) * 1000;
      this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
      this.#note(
        `Rate limited: pausing submissions for ${Math.ceil(ms / 1000)} s, as the server asked.`,
        true,
      );
      back();
      return;
    }
    if (
      error instanceof InsufficientCreditsError && error.code === "concurrent_job_limit_exceeded"
    ) {
      // The workspace's cap on unfinished jobs: wait for one of ours to end (or a moment).
      this.#window = Math.max(1, this.#inFlight.size);
      if (this.#inFlight.size === 0) this.#pausedUntil = Date.now() + 2000;
      back();
      return;
    }
    if (error instanceof InsufficientCreditsError) {
      entry.state = "unsubmitted";
      back();
      const left = this.#queue.length;
      this.#submitStop = error.code === "daily_limit_exceeded"
        ? `The workspace reached its daily job limit; ${left} item${
          left === 1 ? " was" : "s were"
        } not submitted. ` +
          "Run the same cell again after midnight UTC (or with a higher limit) to submit only those."
        : `The workspace ran out of credits (${error.serverMessage}); ${left} item${
          left === 1 ? " was" : "s were"
        } not submitted. ` +
          "Top up and run the same cell again to submit only those.";
      return;
    }
    if (
      error instanceof InvalidRequestError || error instanceof ValidationError ||
      error instanceof ConflictError
    ) {
      entry.state = "invalid";
      entry.error = error instanceof APIError ? error.serverMessage : (error as Error).message;
      return;
    }
    // The API did not answer (after the core's retries): the submission may have been applied,
    // so the item keeps its key and the next run replays it.
    back();
    const left = this.#queue.length;
    this.#submitStop = `Submitting stopped: ${(error as Error).message}. ${left} item${
      left === 1 ? " was" : "s were"
    } not submitted; run the same cell again to resume (already submitted jobs are reattached, never duplicated).`;
  }

  /** Follow a job to its end, riding out lost connections; frees its slot at the end. */
  async #follow(entry: ManifestItem, first: JobSnapshot): Promise<void> {
    const signal = this.#controller.signal;
    let current = first;
    let delay = 1000;
    try {
      while (!signal.aborted) {
        try {
          const final = await waitForJob(this.#adapter as JobAdapter<never>, current, {
            signal,
            onUpdate: (snapshot) => {
              current = snapshot;
              this.#observe(entry, snapshot);
              this.#render();
            },
          });
          this.#settle(entry, final);
          return;
        } catch (error) {
          if (signal.aborted || error instanceof AbortError) return;
          if (error instanceof UnknownStatusError) {
            entry.state = "unknown";
            entry.error = error.message;
            entry.status = error.status;
            this.#manifest.touch();
            return;
          }
          // Lost contact (network, 5xx after retries): try again, a little later each time.
          entry.error = `lost contact while following the job (${
            (error as Error).message
          }); retrying`;
          this.#render();
          await sleep(delay, signal).catch(() => undefined);
          delay = Math.min(30_000, delay * 2);
          current = await this.#adapter.get(current.id, { signal }).catch(() => current);
        }
      }
    } finally {
      this.#inFlight.delete(entry.key);
      this.#render();
      void this.#pump();
    }
  }

  #observe(entry: ManifestItem, snapshot: JobSnapshot): void {
    this.#live.set(entry.key, snapshot);
    if (entry.status !== snapshot.status) {
      entry.status = snapshot.status;
      this.#manifest.touch();
    }
  }

  /** Record a job's end. */
  #settle(entry: ManifestItem, snapshot: JobSnapshot): void {
    const info = this.#adapter.describe(snapshot.status);
    this.#live.set(entry.key, snapshot);
    entry.status = snapshot.status;
    entry.state = info.succeeded ? "completed" : info.cancelled ? "cancelled" : "failed";
    entry.error = info.succeeded ? null : snapshot.error ?? snapshot.error_message ?? null;
    entry.credits = typeof snapshot.credits_used === "number" ? snapshot.credits_used : null;
    entry.finished_at = snapshot.completed_at ?? new Date().toISOString();
    this.#manifest.touch();
    this.#render();
  }

  #checkDone(): void {
    if (this.#inFlight.size > 0 || this.#pumping) return;
    if (this.#queue.length > 0 && this.#submitStop === null && !this.#controller.signal.aborted) {
      return;
    }
    this.#finished = true;
    this.#manifest.flush().then(() => this.#done.resolve(), (error) => this.#done.reject(error));
  }

  // ---- what the caller sees -------------------------------------------------------------

  /** Whether nothing is in flight and nothing more will be submitted. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Why the batch stopped before every item ran (daily limit, credits, no answer), if it did. */
  get stopReason(): string | null {
    if (this.#submitStop) return this.#submitStop;
    if (this.#controller.signal.aborted && this.#queue.length + this.#inFlight.size > 0) {
      return "Stopped (aborted); run the same cell again to resume.";
    }
    return null;
  }

  /** Counts of the items. */
  get summary(): BatchSummary {
    const summary: BatchSummary = {
      total: this.#order.length,
      completed: 0,
      failed: 0,
      cancelled: 0,
      invalid: 0,
      running: 0,
      notSubmitted: 0,
      credits: 0,
      stopReason: this.stopReason,
    };
    for (const key of this.#order) {
      const entry = this.#manifest.get(key)!;
      if (entry.state === "completed") summary.completed++;
      else if (entry.state === "failed" || entry.state === "unknown") summary.failed++;
      else if (entry.state === "cancelled") summary.cancelled++;
      else if (entry.state === "invalid") summary.invalid++;
      else if (entry.state === "submitted") summary.running++;
      else summary.notSubmitted++;
      const live = this.#live.get(key);
      const credits = typeof live?.credits_used === "number" ? live.credits_used : entry.credits;
      if (entry.job_id && typeof credits === "number") summary.credits += credits;
    }
    return summary;
  }

  /** Each item: key, state, job id, status, error, credits. */
  get items(): {
    key: string;
    state: ItemState;
    jobId: string | null;
    status: string | null;
    error: string | null;
    credits: number | null;
    attempt: number;
  }[] {
    return this.#order.map((key) => {
      const entry = this.#manifest.get(key)!;
      return {
        key,
        state: entry.state,
        jobId: entry.job_id,
        status: this.#live.get(key)?.status ?? entry.status,
        error: entry.error,
        credits: entry.credits,
        attempt: entry.attempt,
      };
    });
  }

  /**
   * Wait until the batch has finished (or stopped at a limit), showing the live board.
   * Resolves with the batch; read `stopReason` for why items were left unsubmitted.
   */
  async wait(options: { display?: boolean; signal?: AbortSignal } = {}): Promise<this> {
    const show = options.display ?? this.#options.display ?? defaultDisplay();
    if (show && !this.#board) {
      this.#board = new MultiJobProgress({ title: this.#title(), style: this.#style, maxRows: 25 });
      this.#boardShown = true;
      this.#render();
    }
    try {
      if (options.signal) {
        const stop = options.signal;
        await Promise.race([
          this.#done.promise,
          new Promise((_, reject) => {
            if (stop.aborted) reject(abortErrorOf(stop));
            stop.addEventListener("abort", () => reject(abortErrorOf(stop)), { once: true });
          }),
        ]);
      } else {
        await this.#done.promise;
      }
    } finally {
      const board = this.#board;
      this.#board = undefined;
      await board?.finish(this.#rows());
    }
    if (this.#controller.signal.aborted && this.#queue.length + this.#inFlight.size > 0) {
      throw abortErrorOf(this.#controller.signal);
    }
    if (this.stopReason) this.#note(this.stopReason, true);
    return this;
  }

  /** Stop submitting and following (jobs keep running; the manifest lets a re-run resume). */
  async stop(): Promise<void> {
    this.#controller.abort(new AbortError(`Batch "${this.name}" was stopped`));
    this.#checkDone();
    await this.#done.promise.catch(() => undefined);
  }

  /**
   * Retry every failed item as a group (FAILED/TIMEOUT jobs, unknown statuses, and with
   * `includeCancelled` cancelled ones): each gets a new attempt — a new idempotency key, so a
   * new job — and the batch runs again. Resolves when it has finished, like {@linkcode Batch.wait}.
   */
  async retryFailed(
    options: { includeCancelled?: boolean; display?: boolean; signal?: AbortSignal } = {},
  ): Promise<this> {
    const again: ManifestItem[] = [];
    for (const key of this.#order) {
      const entry = this.#manifest.get(key)!;
      const retry = entry.state === "failed" || entry.state === "unknown" ||
        (options.includeCancelled && entry.state === "cancelled");
      if (!retry || !this.#payloads.has(key)) continue;
      if (entry.job_id) {
        entry.history.push({
          job_id: entry.job_id,
          status: entry.status,
          payload_sha256: entry.payload_sha256,
          attempt: entry.attempt,
        });
      }
      const attempt = entry.job_id ? entry.attempt + 1 : entry.attempt;
      Object.assign(entry, blankEntry(key, entry.payload_sha256), {
        history: entry.history,
        attempt,
        quoted_credits: entry.quoted_credits,
      });
      this.#live.delete(key);
      this.#records.delete(key);
      again.push(entry);
    }
    if (again.length === 0) return this;
    const cost = again.reduce((sum, entry) => sum + (entry.quoted_credits ?? 0), 0);
    const spent = this.summary.credits;
    if (this.#options.budget !== undefined && spent + cost > this.#options.budget) {
      throw new BatchBudgetError(
        `Retrying ${again.length} items of batch "${this.name}" would cost ${
          round(cost)
        } credits on top of ${round(spent)} spent, ` +
          `over the budget of ${this.#options.budget}; nothing was submitted.`,
        {
          toSubmit: cost,
          spent,
          total: spent + cost,
          budget: this.#options.budget,
          available: null,
        },
      );
    }
    this.#note(
      `Retrying ${again.length} item${again.length === 1 ? "" : "s"} (${round(cost)} credits).`,
    );
    this.#restart(again.map((entry) => entry.key));
    return await this.wait(options);
  }

  /**
   * Cancel everything that has not started, as a group: items not submitted yet are skipped
   * (a later run of the same cell submits them), and jobs still waiting at the vendor
   * (e.g. PENDING/QUEUED) are cancelled where the vendor allows it (refunded on ProteinIQ).
   * Running jobs are left to finish.
   */
  async cancelQueued(): Promise<{ skipped: number; cancelled: number; running: number }> {
    let skipped = 0;
    for (const key of this.#queue.splice(0)) {
      const entry = this.#manifest.get(key)!;
      entry.state = "cancelled";
      skipped++;
    }
    let cancelled = 0;
    let running = 0;
    const signal = this.#controller.signal;
    await Promise.all([...this.#inFlight].map(async (key) => {
      const entry = this.#manifest.get(key)!;
      const live = this.#live.get(key);
      if (
        !entry.job_id || !live || !this.#adapter.cancel ||
        this.#adapter.describe(live.status).phase !== "waiting"
      ) {
        running++;
        return;
      }
      try {
        const snapshot = await riding429(() => this.#adapter.cancel!(entry.job_id!, { signal }), {
          signal,
        });
        this.#observe(entry, snapshot);
        cancelled++;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        running++; // it started meanwhile
      }
    }));
    this.#manifest.touch();
    this.#render();
    this.#checkDone();
    return { skipped, cancelled, running };
  }

  #restart(keys: string[]): void {
    this.#queue.push(...keys);
    this.#submitStop = null;
    if (this.#finished) {
      this.#finished = false;
      this.#done = Promise.withResolvers<void>();
    }
    this.#manifest.touch();
    void this.#pump();
  }

  // ---- results --------------------------------------------------------------------------

  /**
   * The result rows: one per item (one per record when an item's job returns several), with
   * the item's key, status, job id, error and credits, then the result's fields. Results of
   * completed jobs are fetched once (a few at a time, riding out rate limits) and cached.
   */
  async results(options: { signal?: AbortSignal } = {}): Promise<BatchRow[]> {
    const missing = this.#order.filter((key) =>
      this.#manifest.get(key)!.state === "completed" && !this.#records.has(key)
    );
    if (missing.length > 0 && this.#adapter.records) {
      await mapLimit(missing, 4, async (key) => {
        const entry = this.#manifest.get(key)!;
        const job = this.#live.get(key) ?? { id: entry.job_id!, status: entry.status ?? "" };
        try {
          this.#records.set(
            key,
            await riding429(() => this.#adapter.records!(job, options), { signal: options.signal }),
          );
        } catch (error) {
          if (options.signal?.aborted) throw error;
          this.#records.set(key, { records: [], columns: [] });
          entry.error = `could not read the result: ${(error as Error).message}`;
        }
      });
    }
    const rows: BatchRow[] = [];
    const priced = this.#priced();
    for (const key of this.#order) {
      const entry = this.#manifest.get(key)!;
      const status = this.#live.get(key)?.status ?? entry.status ??
        (entry.state === "invalid"
          ? "invalid"
          : entry.state === "cancelled"
          ? "skipped"
          : "not submitted");
      const base: BatchRow = {
        key,
        status,
        job_id: entry.job_id,
        error: entry.error,
        ...(priced ? { credits: entry.job_id ? entry.credits : null } : {}),
      };
      const records = this.#records.get(key)?.records ?? [];
      if (records.length === 0) rows.push(base);
      for (const record of records) rows.push({ ...base, ...record, ...pick(base) });
    }
    return rows;
  }

  /** The columns of the result table: the batch's own, then the result fields (with labels and units). */
  #columns(rows: readonly BatchRow[]): Column[] {
    const columns: Column[] = [
      { id: "key", label: "Item" },
      { id: "status", label: "Status" },
      { id: "error", label: "Error" },
      ...(this.#priced() ? [{ id: "credits", label: "Credits" }] : []),
      { id: "job_id", label: "Job" },
    ];
    const known = new Set(columns.map((column) => column.id));
    for (const records of this.#records.values()) {
      for (const column of records.columns ?? []) {
        if (!known.has(column.id)) {
          known.add(column.id);
          columns.push(column);
        }
      }
    }
    for (const row of rows.slice(0, 1000)) {
      for (const id of Object.keys(row)) {
        if (!known.has(id)) {
          known.add(id);
          columns.push({ id });
        }
      }
    }
    return columns;
  }

  /** The result table (one row per item), as a notebook display. */
  async table(
    options: { maxRows?: number; signal?: AbortSignal } = {},
  ): Promise<BatchRow[] & Displayable> {
    const rows = await this.results(options);
    const columns = this.#columns(rows);
    const summary = this.summary;
    return withDisplay(rows, () =>
      renderTable(rows, {
        columns,
        title: `Batch "${this.name}" — ${summary.completed}/${summary.total} completed` +
          (summary.failed ? `, ${summary.failed} failed` : "") +
          (summary.notSubmitted ? `, ${summary.notSubmitted} not submitted` : ""),
        maxRows: options.maxRows ?? 50,
        moreHint: 'every row: await batch.results(), or batch.exportTo("batch.csv")',
      }));
  }

  /** The result rows as CSV (full precision; a header of field ids). */
  async toCSV(options: { signal?: AbortSignal } = {}): Promise<string> {
    const rows = await this.results(options);
    return recordsToCSV(rows, { columns: this.#columns(rows) });
  }

  /** The JSON export: the batch's name, summary, time of export and every row. */
  async toJSON(options: { signal?: AbortSignal } = {}): Promise<{
    object: "batch_export";
    name: string;
    vendor: string;
    exported_at: string;
    summary: BatchSummary;
    rows: BatchRow[];
  }> {
    return {
      object: "batch_export",
      name: this.name,
      vendor: this.#adapter.vendor,
      exported_at: new Date().toISOString(),
      summary: this.summary,
      rows: await this.results(options),
    };
  }

  /** Write the rows to a `.csv` or `.json` file (by extension, or `format`). Returns the path. */
  async exportTo(
    path: string,
    options: { format?: "csv" | "json"; signal?: AbortSignal } = {},
  ): Promise<string> {
    const format = options.format ?? (path.toLowerCase().endsWith(".json") ? "json" : "csv");
    const text = format === "json"
      ? `${JSON.stringify(await this.toJSON(options), null, 2)}\n`
      : await this.toCSV(options);
    await Deno.mkdir(dirname(resolve(path)), { recursive: true });
    await Deno.writeTextFile(path, text);
    return path;
  }

  // ---- display --------------------------------------------------------------------------

  #rows(): JobSnapshot[] {
    return this.#order.map((key) => {
      const entry = this.#manifest.get(key)!;
      const live = this.#live.get(key);
      // The board matches rows by id: the item key stays the same when its job appears.
      const id = key;
      if (live && entry.job_id) {
        return {
          ...live,
          id,
          name: key,
          error: entry.error ?? live.error ?? live.error_message ?? null,
        };
      }
      const status = entry.job_id && entry.status
        ? entry.status
        : entry.state === "invalid"
        ? "invalid"
        : entry.state === "cancelled"
        ? "skipped"
        : entry.state === "unknown"
        ? "status unknown"
        : "not submitted";
      return { id, name: key, status, credits_used: entry.credits, error: entry.error };
    });
  }

  #title(): string {
    const base = this.#options.title ?? `Batch "${this.name}"`;
    return `${base} · ${this.#order.length} items · ${this.concurrency} at a time`;
  }

  #render(): void {
    this.#board?.update(this.#rows());
  }

  /** @internal Add a note (printed unless `quiet`). */
  note(line: string): void {
    this.#note(line);
  }

  #note(line: string, always = false): void {
    if (!always && this.notes.includes(line)) return;
    this.notes.push(line);
    if (!this.#options.quiet) (this.#options.log ?? console.log)(line);
  }

  /** Whether this vendor's jobs carry credits. */
  #priced(): boolean {
    return this.#adapter.estimate !== undefined ||
      [...this.#live.values()].some((job) => typeof job.credits_used === "number");
  }

  /** One line of text. */
  toString(): string {
    const s = this.summary;
    const credits = this.#priced() ? `, ${round(s.credits)} credits` : "";
    return `Batch "${this.name}": ${s.completed}/${s.total} completed, ${s.failed} failed, ${s.running} running, ` +
      `${s.notSubmitted} not submitted${credits}${s.stopReason ? ` — ${s.stopReason}` : ""}`;
  }

  /** Jupyter display: the board as it is now. */
  [$display](): MimeBundle | Promise<MimeBundle> {
    if (this.#boardShown && this.#finished) {
      // The live board above already shows every row: one line, not the board twice.
      const line = String(this);
      return cellOutput({
        "text/plain": line,
        "text/html":
          html`<div style="font-family: system-ui, sans-serif; font-size: 12px; color: #4b5563;">${line}</div>`
            .value,
      });
    }
    const bundle = renderMultiJobProgress(this.#rows(), {
      title: this.#title(),
      style: this.#style,
    });
    return cellOutput({ ...bundle, "text/plain": `${this}\n${bundle["text/plain"]}` });
  }

  /** @internal Stop scheduling so another run can take the manifest over. */
  async detach(): Promise<void> {
    this.#controller.abort(new AbortError(`Batch "${this.name}" was taken over by a newer run`));
    while (this.#pumping || this.#inFlight.size > 0) await sleep(10);
    this.#checkDone();
    await this.#manifest.flush();
  }
}

function pick(base: BatchRow): Partial<BatchRow> {
  // The batch's own columns win over a record field of the same name.
  return { key: base.key, status: base.status, job_id: base.job_id, error: base.error };
}

function blankEntry(key: string, hash: string): ManifestItem {
  return {
    key,
    payload_sha256: hash,
    attempt: 1,
    idempotency_key: null,
    job_id: null,
    state: "unsubmitted",
    status: null,
    error: null,
    credits: null,
    quoted_credits: null,
    submitted_at: null,
    finished_at: null,
    history: [],
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function defaultDisplay(): boolean {
  try {
    return inJupyter() || Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/**
 * Run jobs for many items through a vendor adapter, resumably: see the module documentation.
 * Resolves once the batch is priced and started (throws {@linkcode BatchBudgetError} or
 * {@linkcode BatchInvalidItemsError} before submitting anything); `await batch.wait()` for the
 * live board and the end.
 *
 * @example
 * ```ts ignore
 * import { runBatch } from "./batch.ts";

 * const batch = await runBatch(adapter, [{ key: "a", payload: requestA }, { key: "b", payload: requestB }], {
 *   name: "my batch",
 * });
 * await batch.wait();
 * ```
 */
export async function runBatch<P>(
  adapter: JobAdapter<P>,
  items: readonly BatchItem<P>[],
  options: BatchOptions,
): Promise<Batch<P>> {
  if (!options.name || options.name.trim() === "") {
    throw new InvalidRequestError("The batch", [{
      path: "name",
      message: "a batch needs a name (it is how a re-run resumes)",
    }]);
  }
  if (!adapter.submit) {
    throw new InvalidRequestError("The batch", [{
      path: "adapter",
      message: `${adapter.vendor} jobs cannot be submitted by this adapter`,
    }]);
  }
  const keys = new Set<string>();
  for (const item of items) {
    if (keys.has(item.key)) {
      throw new InvalidRequestError("The batch", [{
        path: `items[${item.key}]`,
        message: `the key "${item.key}" is used twice; keys must be unique`,
      }]);
    }
    keys.add(item.key);
  }
  const path = options.manifest === false
    ? null
    : resolve(options.manifest ?? defaultManifestPath(options.name));
  if (path !== null) {
    const previous = ACTIVE.get(path);
    if (previous) {
      ACTIVE.delete(path);
      await previous.detach();
    }
  }
  const early: string[] = [];
  const account = path === null || !adapter.accountId
    ? null
    : await riding429(() => adapter.accountId!({ signal: options.signal }), {
      signal: options.signal,
    });
  const manifest = await Manifest.open(
    path,
    { name: options.name, vendor: adapter.vendor, account },
    (line) => early.push(line),
  );
  const batch = new Batch(adapter, { manifest, options, order: items.map((item) => item.key) });
  for (const line of early) batch.note(line);
  if (path !== null) ACTIVE.set(path, batch as Batch<unknown>);
  await batch.start(items);
  return batch;
}
