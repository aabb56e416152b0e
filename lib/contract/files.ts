/**
 * Saved workspace files: the file resource, list filters and the JSON upload body.
 *
 * @example
 * ```ts
 * import { FileUploadJson } from "./files.ts";
 * FileUploadJson.parse({ filename: "a.fasta", content: ">a\nMKT" });
 * ```
 * @module
 */
import { z } from "../_deps/zod.ts";
import type * as Wire from "./_wire.ts";
import { listOf, Timestamp } from "./common.ts";

/** Where a saved file came from. */
export const FILE_ORIGINS = ["UPLOAD", "JOB_OUTPUT", "JOB_INPUT", "IMPORT"] as const;
/** Who owns the stored object. */
export const STORAGE_OWNERS = ["FILE_LIBRARY", "JOB_ARTIFACT"] as const;

/** A saved workspace file. Never carries storage keys or workspace ids. */
export const FileResource = z.looseObject({
  id: z.string().meta({ example: "file_123" }),
  object: z.literal("file"),
  filename: z.string(),
  original_name: z.string(),
  format: z.string().nullable().meta({ example: "FASTA" }),
  mime_type: z.string(),
  size_bytes: z.number().int().nonnegative(),
  origin: z.enum(FILE_ORIGINS),
  storage_owner: z.enum(STORAGE_OWNERS),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  sha256: z.string().optional(),
  created_at: Timestamp,
  updated_at: Timestamp,
}).meta({ id: "File" });

/** `GET /api/v1/files` response. */
export const FileList = listOf(FileResource, "FileList");

/** Filters of `GET /api/v1/files`. */
export const FileListFilters = z.object({
  q: z.string().max(200).optional(),
  format: z.string().max(20).optional(),
  origin: z.enum(FILE_ORIGINS).optional(),
  mine: z.enum(["true", "false"]).optional(),
});

/** JSON form of `POST /api/v1/files` (multipart is accepted too). */
export const FileUploadJson = z.strictObject({
  filename: z.string().min(1).max(255),
  content: z.string().optional(),
  content_base64: z.string().optional(),
  mime_type: z.string().max(100).optional(),
  description: z.string().max(1000).optional(),
  tags: z.array(z.string().max(50)).max(20).optional(),
}).refine((b) => (b.content === undefined) !== (b.content_base64 === undefined), {
  message: "give exactly one of content or content_base64",
  path: ["content"],
}).meta({ id: "FileUpload" });

/** `DELETE /api/v1/files/{fileId}` response. */
export const FileDeleted = z.looseObject({
  id: z.string(),
  object: z.literal("file"),
  deleted: z.literal(true),
}).meta({ id: "FileDeleted" });

/** The parsed file resource. */
export type FileResource = Wire.FileResource;
