/**
 * Idempotency keys (`Idempotency-Key` or `X-Idempotency-Key`), scoped to the workspace.
 *
 * The sandbox honours them on every POST that creates or changes something: job submission
 * (documented), file upload and job cancellation (so a client that lost the response and
 * retries gets the first outcome back instead of a duplicate file or a `409`). The response
 * is stored in the same transaction as the change it describes, so a crash can never leave a
 * change without its stored response or the other way round. A replay answers with the stored
 * status and body and `Idempotent-Replayed: true`; the same key with another body, or for
 * another operation, is `409 conflict`. Only successful responses are stored, so a request
 * refused for a fixable reason can be retried under the same key. Keys are kept for the life
 * of the database.
 * @module
 */
import type { Context } from "../_deps/hono.ts";
import type { Database } from "./_db.ts";
import { number, text } from "./_db.ts";
import { ApiFailure } from "./_failure.ts";
import { canonicalJson, nowIso, sha256Hex } from "./_util.ts";

/** Operations that honour idempotency keys. */
export type IdempotentOperation = "submit_job" | "upload_file" | "cancel_job";

/** A response stored under a key, or just produced. */
export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The request's idempotency key, if it sent one; `400` when it is empty or too long. */
export function idempotencyKeyOf(c: Context): string | undefined {
  const key = c.req.header("idempotency-key") ?? c.req.header("x-idempotency-key");
  if (key === undefined) return undefined;
  // deno-lint-ignore no-control-regex
  if (key.length === 0 || key.length > 255 || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new ApiFailure(
      "validation_error",
      "Idempotency-Key must be 1 to 255 printable characters",
      {
        details: { issues: [{ path: "header.Idempotency-Key", message: "1 to 255 characters" }] },
      },
    );
  }
  return key;
}

/** A stable fingerprint of what a request asks for. */
export function fingerprint(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/**
 * The stored response for `key`, if any. Throws `409 conflict` when the key was used for a
 * different operation or a different request.
 */
export function findStored<T>(
  db: Database,
  scope: { workspaceId: string; key: string; operation: IdempotentOperation; hash: string },
): StoredResponse<T> | undefined {
  const row = db.get(
    "SELECT * FROM idempotency WHERE workspace_id = ? AND key = ?",
    scope.workspaceId,
    scope.key,
  );
  if (!row) return undefined;
  if (text(row, "route") !== scope.operation) {
    throw new ApiFailure(
      "conflict",
      `This Idempotency-Key was already used for another operation (${
        text(row, "route")
      }); use a new key`,
      { details: { idempotency_key: scope.key, used_for: text(row, "route") } },
    );
  }
  if (text(row, "request_sha256") !== scope.hash) {
    throw new ApiFailure(
      "conflict",
      "This Idempotency-Key was already used with a different request body; use a new key for a new request",
      { details: { idempotency_key: scope.key } },
    );
  }
  return { status: number(row, "status"), body: JSON.parse(text(row, "body")), replayed: true };
}

/** Store a response under `key`. Call inside the transaction that made the change. */
export function remember(
  db: Database,
  scope: { workspaceId: string; key: string; operation: IdempotentOperation; hash: string },
  response: { status: number; body: unknown },
): void {
  db.run(
    `INSERT INTO idempotency (workspace_id, key, route, request_sha256, status, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
    scope.workspaceId,
    scope.key,
    scope.operation,
    scope.hash,
    response.status,
    JSON.stringify(response.body),
    nowIso(),
  );
}

/**
 * Run `change` once per key: replay the stored response when there is one, otherwise make
 * the change and store its response in the same transaction.
 */
export function once<T>(
  db: Database,
  scope:
    | { workspaceId: string; key: string | undefined; operation: IdempotentOperation; hash: string }
    | undefined,
  change: () => { status: number; body: T },
): StoredResponse<T> {
  return db.transaction(() => {
    const key = scope?.key;
    if (scope && key !== undefined) {
      const stored = findStored<T>(db, { ...scope, key });
      if (stored) return stored;
    }
    const response = change();
    if (scope && key !== undefined) remember(db, { ...scope, key }, response);
    return { ...response, replayed: false };
  });
}
