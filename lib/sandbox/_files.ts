/**
 * Stored bytes (blobs) and saved workspace files. Blobs live in SQLite next to the rows that
 * point at them, so a result and its files are committed together or not at all.
 * @module
 */
import type { FileResource } from "../contract/files.ts";
import { bytes, type Database, number, type Row, text, textOrNull } from "./_db.ts";
import { ApiFailure } from "./_failure.ts";
import { newId, nowIso, sha256Hex } from "./_util.ts";

/** Store bytes under a key (replacing nothing: keys are unique per object). */
export function putBlob(
  db: Database,
  blob: { key: string; workspaceId: string; contentType: string; data: Uint8Array },
): void {
  db.run(
    `INSERT INTO blobs (key, workspace_id, content_type, size_bytes, sha256, data, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    blob.key,
    blob.workspaceId,
    blob.contentType,
    blob.data.byteLength,
    sha256Hex(blob.data),
    blob.data,
    nowIso(),
  );
}

/** A stored object, or undefined. */
export function getBlob(
  db: Database,
  key: string,
):
  | { contentType: string; data: Uint8Array<ArrayBuffer>; sha256: string; workspaceId: string }
  | undefined {
  const row = db.get("SELECT * FROM blobs WHERE key = ?", key);
  if (!row) return undefined;
  return {
    contentType: text(row, "content_type"),
    data: bytes(row, "data"),
    sha256: text(row, "sha256"),
    workspaceId: text(row, "workspace_id"),
  };
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
  file: {
    workspaceId: string;
    uploaderKeyId: string;
    originalName: string;
    mimeType: string;
    data: Uint8Array;
    description?: string;
    tags?: string[];
  },
): FileResource {
  return db.transaction(() => {
    const id = newId("file");
    const filename = safeFileName(file.originalName);
    const blobKey = `files/${file.workspaceId}/${id}`;
    putBlob(db, {
      key: blobKey,
      workspaceId: file.workspaceId,
      contentType: file.mimeType,
      data: file.data,
    });
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
      file.data.byteLength,
      sha256Hex(file.data),
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
    if (text(row, "storage_owner") === "FILE_LIBRARY") {
      db.run("DELETE FROM blobs WHERE key = ?", text(row, "blob_key"));
    }
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
  return { content: new TextDecoder().decode(blob.data), format: textOrNull(row, "format") };
}
