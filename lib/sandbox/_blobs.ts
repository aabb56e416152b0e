/**
 * Large stored bytes live on the file system next to the database (`<database>.blobs/`, or a
 * temporary directory for an in-memory database), content-addressed by SHA-256: an upload is
 * hashed while it streams to a temporary file, which is renamed into place once complete, so
 * a reader never sees half a blob and a crash leaves only a temporary file behind. The
 * `blobs` table keeps the metadata and, for small objects, the bytes themselves.
 *
 * @example
 * ```ts
 * import { BlobStore } from "./_blobs.ts";
 * const store = BlobStore.temporary();
 * const stored = await store.receive(new Blob(["hello"]).stream(), { maxBytes: 1024 });
 * console.log(stored.sha256, stored.size); // 2cf24d…, 5
 * store.dispose();
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Database } from "../_sqlite.ts";

/** Objects up to this size stay inline in SQLite; larger ones go to files. */
export const INLINE_MAX_BYTES = 256 * 1024;

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.byteLength;) {
    offset += await file.write(bytes.subarray(offset));
  }
}

/** Thrown by {@linkcode BlobStore.receive} when the stream passes its cap. */
export class BlobTooLarge extends Error {
  /** The cap that was passed. */
  readonly maxBytes: number;
  /** A blob over `maxBytes`. */
  constructor(maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = "BlobTooLarge";
    this.maxBytes = maxBytes;
  }
}

/**
 * Thrown by {@linkcode BlobStore.receive} when the store itself fails (a full disk, a
 * removed directory): the server's problem, not the sender's.
 */
export class BlobStoreError extends Error {
  /** A failure to store bytes; `cause` is the file system's error. */
  constructor(cause: unknown) {
    super(`the blob store could not write: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = "BlobStoreError";
  }
}

/** A content-addressed directory of blobs. */
export class BlobStore {
  /** The directory. */
  readonly dir: string;
  readonly #temporary: boolean;
  /**
   * Blobs placed by uploads that have not committed their row yet (or given up), with how
   * many such uploads: identical content shares one file, so one upload being refused must
   * not remove the file another is about to refer to.
   */
  readonly #pins = new Map<string, number>();

  /** A store in `dir` (created if missing). */
  constructor(dir: string, options: { temporary?: boolean } = {}) {
    this.dir = dir;
    this.#temporary = options.temporary ?? false;
    Deno.mkdirSync(join(dir, "tmp"), { recursive: true });
  }

  /** A store in a new temporary directory, removed by {@linkcode BlobStore.dispose}. */
  static temporary(): BlobStore {
    return new BlobStore(Deno.makeTempDirSync({ prefix: "proteiniq-sandbox-blobs-" }), {
      temporary: true,
    });
  }

  /** Where the blob with this hash lives. */
  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new TypeError("not a sha256 hex digest");
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  #tempPath(): string {
    return join(this.dir, "tmp", `${crypto.randomUUID()}.part`);
  }

  #place(temp: string, sha256: string): void {
    const target = this.pathOf(sha256);
    Deno.mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
    // Same content, same name: an existing copy is as good as this one.
    Deno.renameSync(temp, target);
  }

  /**
   * Stream `body` to disk, hashing on the way; `onChunk` sees every chunk (to check its
   * content) and may throw to refuse it. Throws {@linkcode BlobTooLarge} as soon as the
   * stream passes `maxBytes`, leaving nothing behind, and {@linkcode BlobStoreError} when
   * writing fails. The blob comes back pinned: it stays on disk until {@linkcode unpin},
   * which the caller calls once its row is committed or it gave up.
   */
  async receive(
    body: ReadableStream<Uint8Array>,
    options: { maxBytes: number; onChunk?: (chunk: Uint8Array) => void },
  ): Promise<{ sha256: string; size: number }> {
    const temp = this.#tempPath();
    const hash = createHash("sha256");
    let size = 0;
    const file = await Deno.open(temp, { write: true, createNew: true }).catch((error) => {
      throw new BlobStoreError(error);
    });
    let placed = false;
    try {
      const reader = body.getReader();
      // Each write overlaps the read of the next chunk.
      let pending: Promise<void> = Promise.resolve();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          size += value.byteLength;
          if (size > options.maxBytes) throw new BlobTooLarge(options.maxBytes);
          options.onChunk?.(value);
          hash.update(value);
          await pending;
          pending = writeAll(file, value).catch((error) => {
            throw new BlobStoreError(error);
          });
        }
        await pending;
      } catch (error) {
        await pending.catch(() => undefined);
        await reader.cancel().catch(() => undefined);
        throw error;
      }
      file.close();
      const sha256 = hash.digest("hex");
      try {
        this.#place(temp, sha256);
      } catch (error) {
        throw new BlobStoreError(error);
      }
      placed = true;
      this.#pins.set(sha256, (this.#pins.get(sha256) ?? 0) + 1);
      return { sha256, size };
    } finally {
      if (!placed) {
        try {
          file.close();
        } catch {
          // already closed
        }
        await Deno.remove(temp).catch(() => undefined);
      }
    }
  }

  /** Write bytes already in memory (a tool's output) under their hash. */
  putSync(data: Uint8Array, sha256: string): void {
    const temp = this.#tempPath();
    Deno.writeFileSync(temp, data, { createNew: true });
    this.#place(temp, sha256);
  }

  /** The whole blob (for tools reading a saved file). */
  readSync(sha256: string): Uint8Array<ArrayBuffer> {
    return Deno.readFileSync(this.pathOf(sha256)) as Uint8Array<ArrayBuffer>;
  }

  /** Release a pin taken by {@linkcode receive}. */
  unpin(sha256: string): void {
    const count = (this.#pins.get(sha256) ?? 0) - 1;
    if (count > 0) this.#pins.set(sha256, count);
    else this.#pins.delete(sha256);
  }

  /** Remove a blob nothing refers to any more (kept while an upload has it pinned). */
  removeSync(sha256: string): void {
    if (this.#pins.has(sha256)) return;
    try {
      Deno.removeSync(this.pathOf(sha256));
    } catch {
      // already gone
    }
  }

  /** Remove a temporary store's directory. */
  dispose(): void {
    if (this.#temporary) {
      try {
        Deno.removeSync(this.dir, { recursive: true });
      } catch {
        // already gone
      }
    }
  }
}

const STORES = new WeakMap<Database, BlobStore>();

/** Give a database its blob store (done once, when the sandbox database opens). */
export function attachBlobStore(db: Database, store: BlobStore): void {
  STORES.set(db, store);
}

/** The blob store of a sandbox database. */
export function blobStoreOf(db: Database): BlobStore {
  const store = STORES.get(db);
  if (!store) throw new Error("this database has no blob store");
  return store;
}
