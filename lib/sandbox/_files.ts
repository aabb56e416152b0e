/**
 * Stored bytes (blobs) and saved workspace files. A blob's row lives in SQLite next to the
 * rows that point at them, so a result and its files are committed together or not at all;
 * its bytes are inline when small and in the content-addressed blob store (a file next to the
 * database, see `_blobs.ts`) when large, so no large object is ever read whole to be served.
 * @module
 */
import type { FileResource } from "../contract/files.ts";
import { bytes, type Database, number, type Row, text, textOrNull } from "./_db.ts";
import { ApiFailure } from "./_failure.ts";
import { newId, nowIso, sha256Hex } from "./_util.ts";
import { blobStoreOf, INLINE_MAX_BYTES } from "./_blobs.ts";
import type { Upload } from "./_uploads.ts";

/** Store bytes under a key (replacing nothing: keys are unique per object). */
export function putBlob(
  db: Database,
  blob: { key: string; workspaceId: string; contentType: string; data: Uint8Array },
): void {
  const sha256 = sha256Hex(blob.data);
  const onDisk = blob.data.byteLength > INLINE_MAX_BYTES;
  if (onDisk) blobStoreOf(db).putSync(blob.data, sha256);
  insertBlobRow(db, {
    ...blob,
    size: blob.data.byteLength,
    sha256,
    data: onDisk ? new Uint8Array(0) : blob.data,
    onDisk,
  });
}

/** Record bytes already in the blob store (a streamed upload) under a key. */
export function putStoredBlob(
  db: Database,
  blob: { key: string; workspaceId: string; contentType: string; sha256: string; size: number },
): void {
  insertBlobRow(db, { ...blob, data: new Uint8Array(0), onDisk: true });
}

function insertBlobRow(
  db: Database,
  blob: {
    key: string;
    workspaceId: string;
    contentType: string;
    size: number;
    sha256: string;
    data: Uint8Array;
    onDisk: boolean;
  },
): void {
  db.run(
    `INSERT INTO blobs (key, workspace_id, content_type, size_bytes, sha256, data, created_at,
       on_disk)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    blob.key,
    blob.workspaceId,
    blob.contentType,
    blob.size,
    blob.sha256,
    blob.data,
    nowIso(),
    blob.onDisk ? 1 : 0,
  );
}

/** A stored object's description: its bytes inline, or the path of its file. */
export interface StoredBlob {
  contentType: string;
  sha256: string;
  workspaceId: string;
  size: number;
  /** The bytes, for a small object kept in SQLite. */
  data?: Uint8Array<ArrayBuffer>;
  /** The file holding the bytes, for a large one. */
  path?: string;
}

/** A stored object, or undefined. Reads no bytes of an object kept on disk. */
export function getBlob(db: Database, key: string): StoredBlob | undefined {
  const row = db.get(
    `SELECT content_type, sha256, workspace_id, size_bytes, on_disk,
       CASE WHEN on_disk = 1 THEN NULL ELSE data END AS data
     FROM blobs WHERE key = ?`,
    key,
  );
  if (!row) return undefined;
  const sha256 = text(row, "sha256");
  const onDisk = number(row, "on_disk") === 1;
  return {
    contentType: text(row, "content_type"),
    sha256,
    workspaceId: text(row, "workspace_id"),
    size: number(row, "size_bytes"),
    ...(onDisk ? { path: blobStoreOf(db).pathOf(sha256) } : { data: bytes(row, "data") }),
  };
}

/** A stored object's bytes, whole (for tools reading a saved file). */
export function blobBytes(db: Database, blob: StoredBlob): Uint8Array<ArrayBuffer> {
  return blob.data ?? blobStoreOf(db).readSync(blob.sha256);
}

/** Delete a blob row, and its file when no other row shares the content. */
export function deleteBlob(db: Database, key: string): void {
  const row = db.get("SELECT sha256, on_disk FROM blobs WHERE key = ?", key);
  if (!row) return;
  db.run("DELETE FROM blobs WHERE key = ?", key);
  if (number(row, "on_disk") === 1) releaseBlob(db, text(row, "sha256"));
}

/**
 * Remove a stored file if no blob row refers to it (a delete; an upload that committed, was
 * refused or failed, with `unpin` to release the pin its upload took).
 */
export function releaseBlob(db: Database, sha256: string, options: { unpin?: boolean } = {}): void {
  const store = blobStoreOf(db);
  if (options.unpin) store.unpin(sha256);
  const used = db.get("SELECT 1 AS used FROM blobs WHERE sha256 = ? AND on_disk = 1", sha256);
  if (!used) store.removeSync(sha256);
}

const FORMATS: Record<string, string> = {
  fasta: "FASTA",
  fa: "FASTA",
  faa: "FASTA",
  fna: "FASTA",
  fastq: "FASTQ",
  fq: "FASTQ",
  pdb: "PDB",
  ent: "PDB",
  cif: "CIF",
  mmcif: "CIF",
  sdf: "SDF",
  mol2: "MOL2",
  smi: "SMILES",
  smiles: "SMILES",
  gb: "GENBANK",
  gbk: "GENBANK",
  csv: "CSV",
  tsv: "TSV",
  json: "JSON",
  txt: "TXT",
};

const MIME_TYPES: Record<string, string> = {
  FASTA: "text/x-fasta",
  FASTQ: "text/x-fastq",
  PDB: "chemical/x-pdb",
  CIF: "chemical/x-cif",
  SDF: "chemical/x-mdl-sdfile",
  MOL2: "chemical/x-mol2",
  SMILES: "chemical/x-daylight-smiles",
  GENBANK: "text/x-genbank",
  CSV: "text/csv",
  TSV: "text/tab-separated-values",
  JSON: "application/json",
  TXT: "text/plain",
};

/** Formats whose files are text; an upload named as one of them must be UTF-8 text. */
export const TEXT_FORMATS: ReadonlySet<string> = new Set(Object.keys(MIME_TYPES));

/** The usual MIME type of a format (`PDB` → `chemical/x-pdb`). */
export function mimeOfFormat(format: string): string | undefined {
  return MIME_TYPES[format];
}

/** The file format implied by a file name's extension (uppercase, as the Files API lists it). */
export function formatOfName(name: string): string | null {
  const extension = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  return extension ? FORMATS[extension] ?? null : null;
}

/**
 * Make an uploaded name safe to store and show: no directories (`/` or `\\`), no control or
 * bidirectional-override characters, no leading dots, at most 200 characters.
 */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, "")
    .replace(/^[.\s]+/, "")
    .trim();
  const limited = cleaned.length > 200 ? cleaned.slice(cleaned.length - 200) : cleaned;
  return limited || "upload";
}

function toFileResource(row: Row): FileResource {
  return {
    id: text(row, "id"),
    object: "file",
    filename: text(row, "filename"),
    original_name: text(row, "original_name"),
    format: textOrNull(row, "format"),
    mime_type: text(row, "mime_type"),
    size_bytes: number(row, "size_bytes"),
    origin: text(row, "origin") as FileResource["origin"],
    storage_owner: text(row, "storage_owner") as FileResource["storage_owner"],
    description: textOrNull(row, "description"),
    tags: JSON.parse(text(row, "tags")),
    sha256: text(row, "sha256"),
    created_at: text(row, "created_at"),
    updated_at: text(row, "updated_at"),
  };
}

/** Save an uploaded file and its bytes. */
export function createFile(
  db: Database,
  file: Upload & { workspaceId: string; uploaderKeyId: string },
): FileResource {
  return db.transaction(() => {
    const id = newId("file");
    const filename = safeFileName(file.originalName);
    const blobKey = `files/${file.workspaceId}/${id}`;
    const blob = { key: blobKey, workspaceId: file.workspaceId, contentType: file.mimeType };
    if (file.stored || !file.data) {
      putStoredBlob(db, { ...blob, sha256: file.sha256, size: file.size });
    } else {
      putBlob(db, { ...blob, data: file.data });
    }
    const now = nowIso();
    db.run(
      `INSERT INTO files (id, workspace_id, uploader_key_id, filename, original_name, format,
         mime_type, size_bytes, sha256, origin, storage_owner, blob_key, description, tags,
         created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'UPLOAD', 'FILE_LIBRARY', ?, ?, ?, ?, ?)`,
      id,
      file.workspaceId,
      file.uploaderKeyId,
      filename,
      file.originalName.slice(0, 255),
      formatOfName(filename),
      file.mimeType,
      file.size,
      file.sha256,
      blobKey,
      file.description ?? null,
      JSON.stringify(file.tags ?? []),
      now,
      now,
    );
    return getFile(db, file.workspaceId, id);
  });
}

/** A file of this workspace, or `404 not_found`. */
export function getFile(db: Database, workspaceId: string, fileId: string): FileResource {
  const row = db.get("SELECT * FROM files WHERE id = ? AND workspace_id = ?", fileId, workspaceId);
  if (!row) throw new ApiFailure("not_found", `No file "${fileId}" in this workspace`);
  return toFileResource(row);
}

/** One page of the workspace's files, newest first. */
export function listFiles(
  db: Database,
  workspaceId: string,
  query: {
    limit: number;
    starting_after?: string;
    q?: string;
    format?: string;
    origin?: string;
    mine?: string;
  },
  callerKeyId: string,
): { data: FileResource[]; has_more: boolean; next_cursor: string | null } {
  const where = ["workspace_id = ?"];
  const params: (string | number)[] = [workspaceId];
  if (query.starting_after !== undefined) {
    const cursor = db.get(
      "SELECT seq FROM files WHERE id = ? AND workspace_id = ?",
      query.starting_after,
      workspaceId,
    );
    if (!cursor) {
      throw new ApiFailure("validation_error", "starting_after is not a cursor from this list", {
        details: { issues: [{ path: "starting_after", message: "unknown cursor" }] },
      });
    }
    where.push("seq < ?");
    params.push(number(cursor, "seq"));
  }
  if (query.q) {
    where.push("(filename LIKE ? ESCAPE '\\' OR original_name LIKE ? ESCAPE '\\' OR format = ?)");
    const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(like, like, query.q.toUpperCase());
  }
  if (query.format) {
    where.push("format = ?");
    params.push(query.format.toUpperCase());
  }
  if (query.origin) {
    where.push("origin = ?");
    params.push(query.origin);
  }
  if (query.mine === "true") {
    where.push("uploader_key_id = ?");
    params.push(callerKeyId);
  }
  const rows = db.all(
    `SELECT * FROM files WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ?`,
    ...params,
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit).map(toFileResource);
  const hasMore = rows.length > query.limit;
  return { data: page, has_more: hasMore, next_cursor: hasMore ? page[page.length - 1].id : null };
}

/** Delete a file record and, for library-owned files, its bytes. */
export function deleteFile(db: Database, workspaceId: string, fileId: string): void {
  db.transaction(() => {
    const row = db.get(
      "SELECT blob_key, storage_owner FROM files WHERE id = ? AND workspace_id = ?",
      fileId,
      workspaceId,
    );
    if (!row) throw new ApiFailure("not_found", `No file "${fileId}" in this workspace`);
    db.run("DELETE FROM files WHERE id = ?", fileId);
    if (text(row, "storage_owner") === "FILE_LIBRARY") deleteBlob(db, text(row, "blob_key"));
  });
}

/** A saved file's content as text, for `source.file_id` inputs. */
export function readFileText(
  db: Database,
  workspaceId: string,
  fileId: string,
): { content: string; format: string | null } | undefined {
  const row = db.get(
    "SELECT blob_key, format FROM files WHERE id = ? AND workspace_id = ?",
    fileId,
    workspaceId,
  );
  if (!row) return undefined;
  const blob = getBlob(db, text(row, "blob_key"));
  if (!blob) return undefined;
  return {
    content: new TextDecoder().decode(blobBytes(db, blob)),
    format: textOrNull(row, "format"),
  };
}
