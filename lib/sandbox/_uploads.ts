/**
 * Reading `POST /api/v1/files` bodies: `multipart/form-data` with a `file` part, or JSON
 * (`{filename, content | content_base64, …}`). The body is read with a hard size cap (`413`
 * as soon as it passes it, declared length or not); other content types are `415`; the
 * declared MIME type must be a MIME type, and a file whose name says it is a text format
 * (FASTA, PDB, CSV…) must be UTF-8 text — a binary blob named `x.fasta` is `415`.
 * @module
 */
import type { Context } from "../_deps/hono.ts";
import { Buffer } from "node:buffer";
import { FileUploadJson } from "../contract/files.ts";
import { ApiFailure } from "./_failure.ts";
import { parseOrFail, readBody, type SandboxEnv, tooLarge } from "./_http.ts";
import { formatOfName, mimeOfFormat, TEXT_FORMATS } from "./_files.ts";

/** An upload as the file store takes it. */
export interface Upload {
  originalName: string;
  mimeType: string;
  data: Uint8Array;
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
export async function readUpload(c: Context<SandboxEnv>, maxBytes: number): Promise<Upload> {
  const type = c.req.header("content-type") ?? "";
  let upload: Upload;
  if (/^multipart\/form-data\s*;/i.test(type)) {
    upload = await readMultipart(c.req.raw, type, maxBytes);
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
  return checkUpload(upload);
}

async function readMultipart(request: Request, type: string, maxBytes: number): Promise<Upload> {
  const raw = await readBody(request, maxBytes + MULTIPART_OVERHEAD);
  let form: FormData;
  try {
    form = await new Response(raw as Uint8Array<ArrayBuffer>, { headers: { "content-type": type } })
      .formData();
  } catch {
    throw invalid("file", "the multipart body is malformed");
  }
  const file = form.get("file");
  if (!(file instanceof File)) {
    throw invalid("file", "send the file in a multipart part named 'file'");
  }
  if (file.size > maxBytes) throw tooLarge(maxBytes);
  const field = (name: string): string | undefined => {
    const value = form.get(name);
    if (value instanceof File) throw invalid(name, "must be a text field, not a file");
    return value ?? undefined;
  };
  const tags = form.getAll("tags").map((tag) => {
    if (tag instanceof File) throw invalid("tags", "must be text fields");
    return tag;
  }).filter(Boolean);
  return {
    originalName: field("filename") ?? file.name ?? "",
    mimeType: field("mime_type") ?? file.type ?? "",
    data: new Uint8Array(await file.arrayBuffer()),
    description: field("description"),
    tags,
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
  if (format && TEXT_FORMATS.has(format) && !isText(upload.data)) {
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
