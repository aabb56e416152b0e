/**
 * Reading `POST /api/v1/files` bodies: `multipart/form-data` with a `file` part, or JSON
 * (`{filename, content | content_base64, …}`). A multipart file part streams straight to the
 * blob store, hashed on the way, never whole in memory; a JSON body is read whole (it must be
 * parsed). Either has a hard size cap (`413` as soon as it passes it, declared length or
 * not); other content types are `415`; the
 * declared MIME type must be a MIME type, and a file whose name says it is a text format
 * (FASTA, PDB, CSV…) must be UTF-8 text — a binary blob named `x.fasta` is `415`.
 * @module
 */
import type { Context } from "../_deps/hono.ts";
import { Buffer } from "node:buffer";
import { FileUploadJson } from "../contract/files.ts";
import { ApiFailure } from "./_failure.ts";
import { parseOrFail, readBody, type SandboxEnv, tooLarge } from "./_http.ts";
import { formatOfName, mimeOfFormat, releaseBlob, TEXT_FORMATS } from "./_files.ts";
import { BlobStoreError, blobStoreOf, BlobTooLarge } from "./_blobs.ts";
import type { Database } from "./_db.ts";
import { MultipartError, readMultipart as readMultipartStream } from "./_multipart.ts";
import { sha256Hex } from "./_util.ts";

/** An upload as the file store takes it: bytes in memory, or already in the blob store. */
export interface Upload {
  originalName: string;
  mimeType: string;
  /** The bytes, when they were read into memory (JSON uploads). */
  data?: Uint8Array;
  /** Already streamed into the blob store under `sha256`. */
  stored: boolean;
  sha256: string;
  size: number;
  /** Whether the bytes are UTF-8 text without NUL (checked on the way in). */
  text: boolean;
  description?: string;
  tags?: string[];
}

const MIME_PATTERN = /^[A-Za-z0-9][\w!#$&^.+-]{0,126}\/[A-Za-z0-9][\w!#$&^.+-]{0,126}$/;
const GENERIC_MIME = new Set(["application/octet-stream", "binary/octet-stream", ""]);
/** Multipart framing and the small form fields around the file. */
const MULTIPART_OVERHEAD = 64 * 1024;

function invalid(path: string, message: string): ApiFailure {
  return new ApiFailure("validation_error", `Invalid request data: ${path}: ${message}`, {
    details: { issues: [{ path, message }] },
  });
}

/** Read and check an upload body. */
export async function readUpload(
  c: Context<SandboxEnv>,
  maxBytes: number,
  db: Database,
): Promise<Upload> {
  const type = c.req.header("content-type") ?? "";
  let upload: Upload;
  if (/^multipart\/form-data\s*;/i.test(type)) {
    upload = await readMultipart(c.req.raw, type, maxBytes, db);
  } else if (/^application\/json\s*(;|$)/i.test(type)) {
    upload = await readJsonUpload(c.req.raw, maxBytes);
  } else {
    await c.req.raw.body?.cancel().catch(() => {});
    throw new ApiFailure(
      "unsupported_media_type",
      "Upload with 'multipart/form-data' (a part named 'file') or 'application/json'",
      { details: { received_content_type: type.slice(0, 100) || null } },
    );
  }
  try {
    return checkUpload(upload);
  } catch (error) {
    settleUpload(db, upload);
    throw error;
  }
}

/**
 * Call once an upload read by {@linkcode readUpload} was committed, refused or failed: a
 * streamed upload's bytes stay pinned on disk until then, and are removed here if no row
 * came to refer to them.
 */
export function settleUpload(db: Database, upload: Upload): void {
  if (upload.stored) releaseBlob(db, upload.sha256, { unpin: true });
}

async function readMultipart(
  request: Request,
  type: string,
  maxBytes: number,
  db: Database,
): Promise<Upload> {
  const store = blobStoreOf(db);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes + MULTIPART_OVERHEAD) {
    await request.body?.cancel().catch(() => {});
    throw tooLarge(maxBytes);
  }
  const boundary = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(type);
  if (!boundary || !request.body) throw invalid("file", "the multipart body is malformed");
  let file:
    | { name?: string; type: string; sha256: string; size: number; text: boolean }
    | undefined;
  let fields: Map<string, string[]>;
  try {
    ({ fields } = await readMultipartStream(request.body, boundary[1] ?? boundary[2], {
      maxFieldBytes: MULTIPART_OVERHEAD,
      onFile: async (part, stream) => {
        if (part.name !== "file" || file) {
          await stream.cancel();
          throw invalid(part.name, "send one file, in a multipart part named 'file'");
        }
        const text = textTracker();
        const stored = await store.receive(stream, { maxBytes, onChunk: text.update });
        file = { name: part.filename, type: part.contentType, ...stored, text: text.done() };
      },
    }));
  } catch (error) {
    if (file) releaseBlob(db, file.sha256, { unpin: true });
    if (error instanceof BlobTooLarge) throw tooLarge(maxBytes);
    if (error instanceof BlobStoreError) {
      // The sandbox's own storage failed (a full disk, say): not the sender's mistake.
      throw new ApiFailure(
        "internal_error",
        `The sandbox could not store the upload: ${error.message}`,
      );
    }
    if (error instanceof MultipartError) {
      throw invalid("file", `the multipart body is malformed: ${error.message}`);
    }
    if (error instanceof ApiFailure) throw error;
    throw new ApiFailure("validation_error", "The request body could not be read completely", {
      details: { issues: [{ path: "(body)", message: "connection closed mid-body" }] },
    });
  }
  if (!file) throw invalid("file", "send the file in a multipart part named 'file'");
  const field = (name: string): string | undefined => fields.get(name)?.[0];
  return {
    originalName: field("filename") ?? file.name ?? "",
    mimeType: field("mime_type") ?? file.type ?? "",
    stored: true,
    sha256: file.sha256,
    size: file.size,
    text: file.text,
    description: field("description"),
    tags: (fields.get("tags") ?? []).filter(Boolean),
  };
}

/** Tracks, chunk by chunk, whether bytes are UTF-8 text without NUL. */
function textTracker(): { update: (chunk: Uint8Array) => void; done: () => boolean } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let text = true;
  return {
    update: (chunk) => {
      if (!text) return;
      if (chunk.includes(0)) {
        text = false;
        return;
      }
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        text = false;
      }
    },
    done: () => {
      if (!text) return false;
      try {
        decoder.decode();
        return true;
      } catch {
        return false;
      }
    },
  };
}

async function readJsonUpload(request: Request, maxBytes: number): Promise<Upload> {
  // base64 inflates by 4/3; allow for it before decoding.
  const raw = await readBody(request, Math.ceil(maxBytes * 1.4) + 4096);
  let parsed: unknown;
  const text = new TextDecoder().decode(raw);
  if (text.trim() === "") {
    throw new ApiFailure("invalid_json", "The request body is empty; send a JSON object");
  }
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ApiFailure(
      "invalid_json",
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  const body = parseOrFail(FileUploadJson, parsed, "body");
  let data: Uint8Array;
  if (body.content_base64 !== undefined) {
    const compact = body.content_base64.replace(/\s/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) {
      throw invalid("content_base64", "not valid base64");
    }
    data = new Uint8Array(Buffer.from(compact, "base64"));
  } else {
    data = new TextEncoder().encode(body.content ?? "");
  }
  if (data.byteLength > maxBytes) throw tooLarge(maxBytes);
  return {
    originalName: body.filename,
    mimeType: body.mime_type ?? "",
    data,
    stored: false,
    sha256: sha256Hex(data),
    size: data.byteLength,
    text: isText(data),
    description: body.description,
    tags: body.tags,
  };
}

function checkUpload(upload: Upload): Upload {
  // Control and bidirectional-override characters have no place in a name a person reads.
  const name = upload.originalName
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, "")
    .trim();
  if (!name) throw invalid("filename", "the file needs a name (with an extension)");
  if (name.length > 255) throw invalid("filename", "at most 255 characters");
  if (upload.description !== undefined && upload.description.length > 1000) {
    throw invalid("description", "at most 1000 characters");
  }
  if ((upload.tags?.length ?? 0) > 20 || upload.tags?.some((tag) => tag.length > 50)) {
    throw invalid("tags", "at most 20 tags of at most 50 characters");
  }
  const format = formatOfName(name);
  let mimeType = upload.mimeType.trim().toLowerCase().split(";")[0].trim();
  if (GENERIC_MIME.has(mimeType)) {
    mimeType = (format && mimeOfFormat(format)) ?? "application/octet-stream";
  } else if (!MIME_PATTERN.test(mimeType)) {
    throw invalid("mime_type", `"${mimeType.slice(0, 60)}" is not a MIME type (type/subtype)`);
  }
  if (format && TEXT_FORMATS.has(format) && !upload.text) {
    throw new ApiFailure(
      "unsupported_media_type",
      `"${
        name.slice(0, 100)
      }" is named as ${format}, a text format, but its content is not UTF-8 text`,
      { details: { format } },
    );
  }
  return { ...upload, originalName: name, mimeType };
}

function isText(data: Uint8Array): boolean {
  if (data.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
    return true;
  } catch {
    return false;
  }
}
