/**
 * Remembered submissions: the Idempotency-Key of each `jobs.submit` whose job is not known to
 * have ended, by a hash of the canonical request, in memory and in a small folder next to the
 * notebook (`.proteiniq-submits/`, one file per request, like the batches'
 * `.proteiniq-batches/` manifests).
 *
 * Why: a submission whose every attempt lost its answer may still have created (and charged)
 * the job. The natural next step in a notebook is to re-run the cell, or to restart the kernel
 * and run all. If that sends a new key, the server makes a second, charged job; with the
 * remembered key it replays the first job instead. The same holds for a submission that did
 * succeed but whose cell was interrupted or whose kernel was restarted mid-wait: until this
 * client sees the job end, an identical submission re-attaches to it. Once the job is seen to
 * end (a `wait()` or `refresh()` shows a final status) or the submission is refused (a 4xx),
 * the entry goes, so running the cell again afterwards is a deliberate new run.
 *
 * Each file is written atomically (a temporary file in the same folder, then renamed), so a
 * kernel killed mid-write leaves either no entry or a whole one. Entries older
 * than the window (24 h by default: the API documents no retention for keys, and 24 h is the
 * shortest retention the reference SDKs document) are ignored and removed, since the server
 * may have forgotten the key by then.
 * @module
 */
import { join } from "node:path";
import { z } from "../_deps/zod.ts";
import { nanoid } from "../_deps/nanoid.ts";
import { canonicalJson, sha256Hex } from "../contract/canonical.ts";

/** How long a remembered submission is reused by default: 24 hours. */
export const DEFAULT_SUBMIT_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * The default folder: `.proteiniq-submits/` in the working directory (the notebook's folder),
 * or `null` (memory only) when the working directory cannot be read.
 *
 * @example
 * ```ts
 * import { defaultSubmitsDirectory } from "./_submits.ts";
 * console.log(defaultSubmitsDirectory()); // e.g. "/home/me/notebooks/.proteiniq-submits"
 * ```
 */
export function defaultSubmitsDirectory(): string | null {
  try {
    return join(Deno.cwd(), ".proteiniq-submits");
  } catch {
    return null;
  }
}

/** What one file of the store holds. */
const SubmitEntryFile = z.object({
  object: z.literal("remembered_submit"),
  version: z.literal(1),
  request_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  idempotency_key: z.string().min(1).max(255),
  created_at: z.string(),
});

/** One remembered submission. */
export interface RememberedSubmit {
  /** Hash of the account scope and the canonical request. */
  requestSha256: string;
  /** The key every submission of this request sends until the entry goes. */
  idempotencyKey: string;
  /** When the key was first used (ms since epoch). */
  createdAt: number;
  /** Whether an earlier submission (this process or a file from another) made this entry. */
  reused: boolean;
  /** The job, once a submission of this request got its answer. */
  jobId: string | null;
}

/** Options of the store. */
export interface SubmitMemoryOptions {
  /** Folder of the on-disk store; `null` keeps entries in memory only. */
  directory: string | null;
  /** How long an entry is reused (ms). */
  windowMs: number;
  /** Where a failing disk write is reported (the store then keeps working in memory). */
  note?: (line: string) => void;
}

/**
 * The store of remembered submissions.
 *
 * @example
 * ```ts
 * import { SubmitMemory } from "./_submits.ts";
 * const memory = new SubmitMemory({ directory: null, windowMs: 60_000 });
 * const hash = memory.hashOf("pq_live_abc_…", { tool: "t", name: "n", input: { inputs: [] } });
 * const first = await memory.begin(hash);
 * const again = await memory.begin(hash);
 * console.log(again.idempotencyKey === first.idempotencyKey, again.reused); // true true
 * ```
 */
export class SubmitMemory {
  readonly directory: string | null;
  readonly windowMs: number;
  readonly #note: (line: string) => void;
  readonly #entries = new Map<string, RememberedSubmit>();
  readonly #byJob = new Map<string, string>();
  /** Entries being looked up on disk, so concurrent identical submissions share one key. */
  readonly #opening = new Map<string, Promise<RememberedSubmit>>();
  /** The last disk operation of each entry; the next one runs after it. */
  readonly #disk = new Map<string, Promise<void>>();
  #diskBroken = false;
  #folderMade = false;

  /** A store in `directory` (or memory only). */
  constructor(options: SubmitMemoryOptions) {
    this.directory = options.directory;
    this.windowMs = options.windowMs;
    this.#note = options.note ?? (() => {});
  }

  /** The entry's hash: the account's key id (never the secret) and the canonical request. */
  hashOf(scope: string, request: unknown): string {
    return sha256Hex(`${scope}\u0000${canonicalJson(request)}`);
  }

  /**
   * The entry for `hash`: the remembered one (memory, then disk) when it is within the window,
   * otherwise a new one with a fresh key, saved before the caller sends anything.
   */
  begin(hash: string): Promise<RememberedSubmit> {
    const known = this.#live(this.#entries.get(hash));
    if (known) return Promise.resolve({ ...known, reused: true });
    const opening = this.#opening.get(hash);
    if (opening) return opening.then((entry) => ({ ...entry, reused: true }));
    const task = (async () => {
      const stored = this.#live(await this.#read(hash));
      const entry: RememberedSubmit = stored ?? {
        requestSha256: hash,
        idempotencyKey: `piq_${nanoid(24)}`,
        createdAt: Date.now(),
        reused: false,
        jobId: null,
      };
      this.#entries.set(hash, entry);
      if (!stored) this.#queue(hash, () => this.#write(entry));
      return entry;
    })();
    this.#opening.set(hash, task);
    return task.finally(() => this.#opening.delete(hash));
  }

  /** The submission of `hash` got its job: an identical one re-attaches until the job ends. */
  attached(hash: string, jobId: string): void {
    const entry = this.#entries.get(hash);
    if (!entry) return;
    entry.jobId = jobId;
    this.#byJob.set(jobId, hash);
  }

  /** The job was seen to end: a later identical submission is a new run. */
  ended(jobId: string): Promise<void> {
    const hash = this.#byJob.get(jobId);
    if (hash === undefined) return Promise.resolve();
    this.#byJob.delete(jobId);
    return this.forget(hash);
  }

  /** Drop the entry (the submission was refused, or its job ended). */
  forget(hash: string): Promise<void> {
    const entry = this.#entries.get(hash);
    if (entry?.jobId) this.#byJob.delete(entry.jobId);
    this.#entries.delete(hash);
    return this.#queue(hash, () => this.#remove(hash));
  }

  /** Wait until every disk write and removal so far is done. */
  async flush(): Promise<void> {
    await Promise.all([...this.#disk.values()]);
  }

  /** The entries in memory (tests and diagnostics). */
  get size(): number {
    return this.#entries.size;
  }

  #live(entry: RememberedSubmit | undefined): RememberedSubmit | undefined {
    if (!entry) return undefined;
    if (Date.now() - entry.createdAt <= this.windowMs) return entry;
    this.forget(entry.requestSha256);
    return undefined;
  }

  #path(hash: string): string | null {
    return this.directory === null || this.#diskBroken
      ? null
      : join(this.directory, `${hash.slice(0, 40)}.json`);
  }

  /** Run `task` after this entry's previous disk operation; failures are reported, not thrown. */
  #queue(hash: string, task: () => Promise<void>): Promise<void> {
    const previous = this.#disk.get(hash) ?? Promise.resolve();
    const next = previous.then(task).catch((error) => {
      // The store is a safety net: a read-only folder must not break submitting.
      this.#diskBroken = true;
      this.#note(
        `proteiniq: cannot write remembered submissions to ${this.directory} (${
          (error as Error).message
        }); they are kept in memory only`,
      );
    });
    this.#disk.set(hash, next);
    next.finally(() => {
      if (this.#disk.get(hash) === next) this.#disk.delete(hash);
    });
    return next;
  }

  async #read(hash: string): Promise<RememberedSubmit | undefined> {
    const path = this.#path(hash);
    if (path === null) return undefined;
    // A write of this entry may still be in flight from an earlier forget/begin.
    await this.#disk.get(hash);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch {
      return undefined;
    }
    try {
      const file = SubmitEntryFile.parse(JSON.parse(text));
      const createdAt = Date.parse(file.created_at);
      if (file.request_sha256 !== hash || Number.isNaN(createdAt)) return undefined;
      return {
        requestSha256: hash,
        idempotencyKey: file.idempotency_key,
        createdAt,
        reused: true,
        jobId: null,
      };
    } catch {
      // Not a file this module wrote whole: ignore it; the next write replaces it.
      return undefined;
    }
  }

  async #write(entry: RememberedSubmit): Promise<void> {
    const path = this.#path(entry.requestSha256);
    if (path === null || this.directory === null) return;
    const body = {
      object: "remembered_submit",
      version: 1,
      request_sha256: entry.requestSha256,
      idempotency_key: entry.idempotencyKey,
      created_at: new Date(entry.createdAt).toISOString(),
    };
    if (!this.#folderMade) {
      await Deno.mkdir(this.directory, { recursive: true });
      this.#folderMade = true;
    }
    const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
    // No fsync: what this guards against is the kernel process dying (restart, kill -9), and
    // the operating system keeps a written file across that; the rename keeps it whole. An
    // fsync would add about 3 ms to every submission (measured in bench/resubmit_bench.ts).
    const text = `${JSON.stringify(body, null, 1)}\n`;
    try {
      await Deno.writeTextFile(temporary, text);
    } catch (error) {
      // The folder was removed while the client ran: make it again, once.
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      await Deno.mkdir(this.directory, { recursive: true });
      await Deno.writeTextFile(temporary, text);
    }
    await Deno.rename(temporary, path);
  }

  async #remove(hash: string): Promise<void> {
    const path = this.#path(hash);
    if (path === null) return;
    try {
      await Deno.remove(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
