/**
 * The batch manifest: a small JSON file (next to the notebook by default) that records, for
 * each item, the payload's hash, the idempotency key it is submitted under and the job it
 * became. It is what lets a re-run cell — after a kernel restart, or in a new session —
 * reattach to submitted jobs and submit only what is missing.
 *
 * Writes are atomic (a temporary file in the same folder, flushed to disk, then renamed over
 * the old one), so a process killed mid-write leaves the previous manifest intact, and they
 * are serialised and coalesced: at most one write runs, and changes made meanwhile go into
 * the next one.
 * @module
 */
import { dirname, join } from "node:path";
import { z } from "../_deps/zod.ts";
import type * as Wire from "../contract/_wire.ts";

/**
 * Where an item is in the batch's life.
 *
 * @example
 * ```ts
 * import { connect, ITEM_STATES, runToolBatch } from "../../mod.ts";
 *
 * const piq = await connect();
 * const batch = await runToolBatch(piq, {
 *   name: "two peptides",
 *   tool: "protein-properties",
 *   inputs: ["MKTAYIAKQR", "GSHMLEDPVAG"],
 *   manifest: false,
 * });
 * await batch.wait({ display: false });
 * const counts = new Map(ITEM_STATES.map((state) => [state, 0]));
 * for (const item of batch.items) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
 * console.log(counts.get("completed")); // 2
 * ```
 */
export const ITEM_STATES = [
  "unsubmitted",
  "submitting",
  "submitted",
  "completed",
  "failed",
  "cancelled",
  "invalid",
  "unknown",
] as const;
/** An item state. */
export type ItemState = typeof ITEM_STATES[number];

/** One earlier job of an item (its payload changed, or it was retried). */
const HistoryEntry = z.looseObject({
  job_id: z.string(),
  status: z.string().nullable(),
  payload_sha256: z.string(),
  attempt: z.number().int(),
});

/** One item of a manifest. */
export const ManifestItem = z.looseObject({
  key: z.string(),
  payload_sha256: z.string(),
  /** 1 for the first run; each group retry of a failed item adds one. */
  attempt: z.number().int().min(1),
  idempotency_key: z.string().nullable(),
  job_id: z.string().nullable(),
  state: z.enum(ITEM_STATES),
  status: z.string().nullable(),
  error: z.string().nullable(),
  credits: z.number().nullable(),
  /** The quote's credits for this payload (so a resumed run does not quote it again). */
  quoted_credits: z.number().nullable().optional(),
  submitted_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  history: z.array(HistoryEntry),
});
/** A manifest item. */
export type ManifestItem = Wire.ManifestItem;

/** The manifest file. */
export const ManifestFile = z.looseObject({
  object: z.literal("batch_manifest"),
  version: z.literal(1),
  name: z.string(),
  vendor: z.string(),
  /** The account (workspace, org) the jobs live in, when the vendor says. */
  account: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  items: z.array(ManifestItem),
});
/** The parsed file. */
export type ManifestFile = Wire.ManifestFile;

/**
 * A manifest that could not be read.
 *
 * @example
 * ```ts
 * import { connect, ManifestError, runToolBatch } from "../../mod.ts";
 *
 * const piq = await connect();
 * const path = await Deno.makeTempFile({ suffix: ".json" });
 * await Deno.writeTextFile(path, "{}"); // some other JSON file
 * try {
 *   await runToolBatch(piq, {
 *     name: "screen",
 *     tool: "protein-properties",
 *     inputs: ">a\nMKTAYIAKQR",
 *     manifest: path,
 *   });
 * } catch (error) {
 *   if (!(error instanceof ManifestError)) throw error;
 *   console.log(error.message); // The batch manifest … is not a manifest this module wrote …
 * }
 * ```
 */
export class ManifestError extends Error {
  /** Name the error after its class. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ManifestError";
  }
}

/** A manifest in memory, saved to `path` (or nowhere when `path` is null). */
export class Manifest {
  readonly path: string | null;
  readonly #file: ManifestFile;
  readonly #byKey: Map<string, ManifestItem>;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  #scheduled = false;
  /** Writes done (tests read it). */
  writes = 0;

  private constructor(path: string | null, file: ManifestFile) {
    this.path = path;
    this.#file = file;
    this.#byKey = new Map(file.items.map((item) => [item.key, item]));
  }

  /**
   * Open the manifest at `path`, or start a new one. A manifest of another batch name or
   * vendor at the same path is refused rather than mixed up.
   */
  static async open(
    path: string | null,
    identity: { name: string; vendor: string; account: string | null },
    note: (line: string) => void = () => {},
  ): Promise<Manifest> {
    const now = new Date().toISOString();
    const fresh: ManifestFile = {
      object: "batch_manifest",
      version: 1,
      name: identity.name,
      vendor: identity.vendor,
      account: identity.account,
      created_at: now,
      updated_at: now,
      items: [],
    };
    if (path === null) return new Manifest(null, fresh);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return new Manifest(path, fresh);
      throw new ManifestError(
        `Cannot read the batch manifest ${path}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    let parsed: ManifestFile;
    try {
      parsed = ManifestFile.parse(JSON.parse(text));
    } catch (error) {
      throw new ManifestError(
        `The batch manifest ${path} is not a manifest this module wrote (${
          (error as Error).message.split("\n")[0]
        }); move it away or pass another \`manifest\` path`,
        { cause: error },
      );
    }
    if (parsed.name !== identity.name || parsed.vendor !== identity.vendor) {
      throw new ManifestError(
        `The batch manifest ${path} belongs to batch "${parsed.name}" (${parsed.vendor}), not "${identity.name}" ` +
          `(${identity.vendor}); pass another \`manifest\` path`,
      );
    }
    if (identity.account && parsed.account && parsed.account !== identity.account) {
      // Its jobs live in another workspace (or an earlier sandbox): nothing in it can be
      // reattached here, and trusting its "completed" items would skip real work.
      // One file aside, replaced each time, so switching back and forth does not pile up files.
      const aside = path.replace(/(\.json)?$/, ".other-account.json");
      await Deno.rename(path, aside);
      note(
        `The manifest ${path} was written for another account (${parsed.account}); it was moved to ${aside} ` +
          "and the batch starts afresh in this one.",
      );
      return new Manifest(path, fresh);
    }
    parsed.account ??= identity.account;
    return new Manifest(path, parsed);
  }

  /** Every item, in the order they were first recorded. */
  get items(): readonly ManifestItem[] {
    return this.#file.items;
  }

  /** The item with this key. */
  get(key: string): ManifestItem | undefined {
    return this.#byKey.get(key);
  }

  /** Add an item. */
  add(item: ManifestItem): ManifestItem {
    this.#file.items.push(item);
    this.#byKey.set(item.key, item);
    return item;
  }

  /** Record that something changed and write soon (coalesced with other changes). */
  touch(): void {
    this.#dirty = true;
    if (this.#scheduled || this.path === null) return;
    this.#scheduled = true;
    this.#writing = this.#writing.then(async () => {
      this.#scheduled = false;
      if (!this.#dirty) return;
      this.#dirty = false;
      await this.#write();
    });
  }

  /** Write now (after any write in progress) and wait until it is on disk. */
  async flush(): Promise<void> {
    if (this.path === null) return;
    this.touch();
    // A write scheduled meanwhile chains after this one; wait until nothing is pending.
    while (true) {
      const current = this.#writing;
      await current;
      if (current === this.#writing && !this.#dirty) return;
    }
  }

  async #write(): Promise<void> {
    const path = this.path!;
    this.#file.updated_at = new Date().toISOString();
    const text = `${JSON.stringify(this.#file, null, 1)}\n`;
    const dir = dirname(path);
    await Deno.mkdir(dir, { recursive: true });
    const temporary = join(
      dir,
      `.${path.split(/[\\/]/).pop()}.${crypto.randomUUID().slice(0, 8)}.tmp`,
    );
    const file = await Deno.open(temporary, { write: true, create: true, truncate: true });
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
    this.writes++;
  }
}
