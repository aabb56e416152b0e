/**
 * The files resource: saved workspace files (`POST/GET /api/v1/files`,
 * `GET/DELETE /api/v1/files/{fileId}`). Uploads stream from disk as `multipart/form-data`
 * without reading the file into memory; the file is reopened for every attempt (a stream
 * cannot be sent twice), and when an attempt's answer was lost the client first looks for the
 * file that attempt saved (same name, size and SHA-256), so a retry never stores it twice.
 * Reference a saved file from a job with `source: { type: "file", file_id }`
 * (see `lib/inputs/builder.ts`).
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 * const piq = await connect();
 * await Deno.writeTextFile("/tmp/lysozyme.fasta", ">lysozyme\nKVFGRCELAAAMKRHGLDNY\n");
 * const file = await piq.files.upload("/tmp/lysozyme.fasta", { description: "HEWL", tags: ["demo"] });
 * for await (const saved of piq.files.list({ format: "FASTA" })) console.log(saved.filename);
 * await piq.files.delete(file.id);
 * ```
 * @module
 */
import { basename } from "node:path";
import { createHash, type Hash } from "node:crypto";
import { nanoid } from "../_deps/nanoid.ts";
import { FileDeleted, FileList, FileResource as FileResourceSchema } from "../contract/files.ts";
import { ROUTES } from "../contract/routes.ts";
import type { BodySource, HttpCore, RequestOptions } from "./_core.ts";
import { Listing } from "./_pagination.ts";
import { InvalidRequestError, NotFoundError } from "./errors.ts";
import type { FileResource } from "../contract/_wire.ts";

/** A saved workspace file, as the API describes it. */
export type SavedFile = FileResource;

/** What {@linkcode Files.upload} sends: a path on disk, or content in memory. */
export type UploadSource =
  | string
  | URL
  | Uint8Array
  | Blob
  | { content: string | Uint8Array };

/** Options of {@linkcode Files.upload}. */
export interface UploadOptions extends RequestOptions {
  /** The stored file name (with its extension). Default: the path's base name. */
  name?: string;
  /** MIME type. Default: from the extension (`text/x-fasta`, `chemical/x-pdb`…). */
  contentType?: string;
  /** A description shown in the Files library. */
  description?: string;
  /** Tags. */
  tags?: string[];
}

/** Filters of {@linkcode Files.list}. */
export interface ListFilesOptions extends RequestOptions {
  /** Text in the file name, original name or format. */
  q?: string;
  /** One format, e.g. `FASTA`, `PDB`. */
  format?: string;
  /** `UPLOAD`, `JOB_OUTPUT`, `JOB_INPUT` or `IMPORT`. */
  origin?: "UPLOAD" | "JOB_OUTPUT" | "JOB_INPUT" | "IMPORT";
  /** Only files uploaded by this key's creator. */
  mine?: boolean;
  /** Page size, 1–100. */
  pageSize?: number;
}

/** The documented answer of a delete. */
export type FileDeletion = { id: string; object: "file"; deleted: true };

const MIME_TYPES: Record<string, string> = {
  fasta: "text/x-fasta",
  fa: "text/x-fasta",
  faa: "text/x-fasta",
  fna: "text/x-fasta",
  fastq: "text/x-fastq",
  fq: "text/x-fastq",
  pdb: "chemical/x-pdb",
  ent: "chemical/x-pdb",
  cif: "chemical/x-cif",
  mmcif: "chemical/x-mmcif",
  sdf: "chemical/x-mdl-sdfile",
  mol2: "chemical/x-mol2",
  smi: "chemical/x-daylight-smiles",
  smiles: "chemical/x-daylight-smiles",
  gb: "chemical/x-genbank",
  gbk: "chemical/x-genbank",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  txt: "text/plain",
};

/**
 * The MIME type a file name's extension implies (`application/octet-stream` otherwise).
 *
 * @example
 * ```ts
 * import { mimeTypeOf } from "./files.ts";
 * mimeTypeOf("model.pdb"); // "chemical/x-pdb"
 * ```
 */
export function mimeTypeOf(name: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return MIME_TYPES[extension] ?? "application/octet-stream";
}

/** One multipart field, quoted as RFC 7578 asks (quotes and line breaks escaped). */
function quoted(value: string): string {
  return value.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}

/** Where the bytes of an upload come from, reopened for every attempt. */
interface ByteSource {
  name: string;
  size(): Promise<number>;
  open(): Promise<ReadableStream<Uint8Array>>;
}

function byteSourceOf(source: UploadSource): ByteSource | { bytes: Uint8Array } {
  if (typeof source === "string" || source instanceof URL) {
    const path = source;
    return {
      name: basename(typeof path === "string" ? path : path.pathname),
      size: async () => (await Deno.stat(path)).size,
      open: async () => (await Deno.open(path, { read: true })).readable,
    };
  }
  if (source instanceof Uint8Array) return { bytes: source };
  if (source instanceof Blob) {
    return {
      name: source instanceof File ? source.name : "",
      size: () => Promise.resolve(source.size),
      open: () => Promise.resolve(source.stream()),
    };
  }
  const content = source.content;
  return { bytes: typeof content === "string" ? new TextEncoder().encode(content) : content };
}

/**
 * A streamed `multipart/form-data` body: the text fields, then the file part piped from its
 * source, hashed on the way so a lost answer can be matched to the file it saved.
 */
class MultipartUpload implements BodySource {
  readonly #fields: [string, string][];
  readonly #source: ByteSource;
  readonly #fileName: string;
  readonly #contentType: string;
  /** SHA-256 of the bytes of the last attempt that was read to the end. */
  sha256: string | undefined;
  /** Bytes of the last attempt that was read to the end. */
  sizeBytes: number | undefined;

  constructor(
    source: ByteSource,
    fileName: string,
    contentType: string,
    fields: [string, string][],
  ) {
    this.#source = source;
    this.#fileName = fileName;
    this.#contentType = contentType;
    this.#fields = fields;
  }

  async open(): Promise<{ body: BodyInit; headers: Record<string, string> }> {
    // Fail here, as a local error, when the file vanished between attempts.
    await this.#source.size();
    const boundary = `piq-${nanoid(24)}`;
    const encoder = new TextEncoder();
    const head =
      this.#fields.map(([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
      ).join("") +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${
        quoted(this.#fileName)
      }"\r\nContent-Type: ${this.#contentType}\r\n\r\n`;
    const tail = `\r\n--${boundary}--\r\n`;
    const source = this.#source;
    let hash: Hash | undefined;
    let size = 0;
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    let stage: "head" | "file" | "done" = "head";
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (stage === "head") {
          controller.enqueue(encoder.encode(head));
          hash = createHash("sha256");
          reader = (await source.open()).getReader();
          stage = "file";
          return;
        }
        if (stage === "file") {
          const { value, done } = await reader!.read();
          if (!done) {
            hash!.update(value);
            size += value.byteLength;
            controller.enqueue(value);
            return;
          }
          this.sha256 = hash!.digest("hex");
          this.sizeBytes = size;
          controller.enqueue(encoder.encode(tail));
          stage = "done";
          controller.close();
        }
      },
      cancel: async (reason) => {
        await reader?.cancel(reason).catch(() => undefined);
      },
    });
    return { body, headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } };
  }
}

/**
 * Saved workspace files.
 *
 * @example
 * ```ts
 * import { connect } from "../../mod.ts";
 *
 * const piq = await connect();
 * const ubiquitin = "MQIFVKTLTGKTITLEVEPSDTIENVKAKIQDKEGIPPDQQRLIFAGKQLEDGRTLSDYNIQKESTLHLVLRLRGG";
 * const saved = await piq.files.upload(
 *   { content: `>ubiquitin\n${ubiquitin}\n` },
 *   { name: "ubiquitin.fasta", tags: ["demo"] },
 * );
 * const input = await piq.inputs("protein-properties");
 * await input.savedFile(saved); // referenced by id: source { type: "file", file_id }
 * console.log((await piq.files.list().take(10)).map((file) => file.filename));
 * await piq.files.delete(saved.id);
 * ```
 */
export class Files {
  readonly #core: HttpCore;

  /** Over a core. */
  constructor(core: HttpCore) {
    this.#core = core;
  }

  /**
   * Upload a file (`POST /api/v1/files`, multipart, streamed). `source` is a path (string or
   * file URL) on disk, or bytes / a Blob / `{ content }` in memory (then `name` is required).
   * Resolves with the saved file; use its `id` as `source.file_id` in job inputs.
   */
  async upload(source: UploadSource, options: UploadOptions = {}): Promise<SavedFile> {
    const origin = byteSourceOf(source);
    const bytes = "bytes" in origin ? origin.bytes : undefined;
    const byteSource: ByteSource = "bytes" in origin
      ? {
        name: "",
        size: () => Promise.resolve(origin.bytes.byteLength),
        open: () => Promise.resolve(new Blob([origin.bytes as Uint8Array<ArrayBuffer>]).stream()),
      }
      : origin;
    const name = options.name ?? byteSource.name;
    if (!name) {
      throw new InvalidRequestError("The upload", [
        {
          path: "name",
          message: 'give the file a name with its extension, e.g. { name: "seqs.fasta" }',
        },
      ]);
    }
    let size: number;
    try {
      size = await byteSource.size();
    } catch (error) {
      throw new InvalidRequestError("The upload", [
        { path: "source", message: `cannot read ${String(source)}: ${(error as Error).message}` },
      ]);
    }
    const fields: [string, string][] = [["filename", name]];
    const contentType = options.contentType ?? mimeTypeOf(name);
    fields.push(["mime_type", contentType]);
    if (options.description !== undefined) fields.push(["description", options.description]);
    for (const tag of options.tags ?? []) fields.push(["tags", tag]);
    const body = new MultipartUpload(byteSource, name, contentType, fields);
    const started = Date.now();
    const { data } = await this.#core.call(ROUTES.uploadFile, FileResourceSchema, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      maxRetries: options.maxRetries,
      body,
      // Uploads are not deduplicated by Idempotency-Key on the server: after a lost answer,
      // find the file that attempt saved before sending it again.
      reconcile: () =>
        this.#findUploaded({
          name,
          sizeBytes: body.sizeBytes ?? (bytes ? bytes.byteLength : size),
          sha256: body.sha256,
          since: started,
          signal: options.signal,
        }),
    });
    return data;
  }

  /** The file a lost upload attempt saved, if it did. */
  async #findUploaded(
    wanted: {
      name: string;
      sizeBytes: number;
      sha256: string | undefined;
      since: number;
      signal?: AbortSignal;
    },
  ): Promise<SavedFile | undefined> {
    // Without a complete hash the attempt never sent the whole file, so it saved nothing.
    if (wanted.sha256 === undefined) return undefined;
    // Allow for a server clock a little behind ours.
    const since = wanted.since - 120_000;
    const recent = this.list({ mine: true, q: wanted.name, pageSize: 20, signal: wanted.signal });
    for await (const file of recent) {
      if (Date.parse(file.created_at) < since) break; // newest first: nothing newer follows
      if (
        file.original_name === wanted.name && file.size_bytes === wanted.sizeBytes &&
        (file.sha256 === undefined || file.sha256 === wanted.sha256)
      ) {
        return file;
      }
    }
    return undefined;
  }

  /** Saved files, newest first: `for await`, `.pages()` or `.take(n)`. */
  list(options: ListFilesOptions = {}): Listing<SavedFile> {
    return new Listing<SavedFile>(async (cursor, limit, requestOptions) => {
      const { data } = await this.#core.call(ROUTES.listFiles, FileList, {
        signal: requestOptions.signal,
        timeoutMs: requestOptions.timeoutMs,
        maxRetries: requestOptions.maxRetries,
        query: {
          limit,
          starting_after: cursor,
          q: options.q,
          format: options.format,
          origin: options.origin,
          mine: options.mine === undefined ? undefined : String(options.mine),
        },
      });
      return data;
    }, options);
  }

  /** One file's metadata (`GET /api/v1/files/{fileId}`). */
  async get(fileId: string, options: RequestOptions = {}): Promise<SavedFile> {
    const { data } = await this.#core.call(ROUTES.getFile, FileResourceSchema, {
      ...options,
      params: { fileId },
    });
    return data;
  }

  /**
   * Delete a saved file (`DELETE /api/v1/files/{fileId}`). Jobs that already used it keep
   * their results.
   */
  async delete(fileId: string, options: RequestOptions = {}): Promise<FileDeletion> {
    try {
      const { data } = await this.#core.call(ROUTES.deleteFile, FileDeleted, {
        ...options,
        params: { fileId },
      });
      return data as FileDeletion;
    } catch (error) {
      // The first attempt deleted it and its answer was lost: the retry finds nothing left.
      if (error instanceof NotFoundError && error.afterLostResponse) {
        return { id: fileId, object: "file", deleted: true };
      }
      throw error;
    }
  }
}
