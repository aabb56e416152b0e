/**
 * Serving a stored object: inline bytes as they are, on-disk ones streamed from their file,
 * never read whole. The range is resolved first ({@linkcode resolveRange} in `_range.ts`);
 * an unsatisfiable one is the caller's `416` envelope, so this only slices.
 *
 * @example
 * ```ts
 * import { blobResponse } from "./_download.ts";
 * const blob = { sha256: "", size: 5, data: new TextEncoder().encode("hello") };
 * await blobResponse(blob, { kind: "partial", start: 1, end: 3 }, {}); // 206 "ell"
 * ```
 * @module
 */
import type { StoredBlob } from "./_files.ts";
import { contentRange, type RangeAnswer } from "./_range.ts";

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 256 * 1024;

/**
 * A stream of bytes `start..end` (inclusive) of the file at `path`, whose size is `size`.
 * A slice that runs to the end of the file (the whole file, a resume `bytes=N-`, a suffix)
 * is the file's own stream, which the HTTP server sends without passing the bytes through
 * JavaScript: a 1 GB download then grows the server by a few MB instead of ~80 MB of
 * per-chunk buffers the garbage collector gives back late, and is about twice as fast.
 */
async function fileSlice(
  path: string,
  range: { start: number; end: number; size: number },
): Promise<ReadableStream<Uint8Array>> {
  const { start, end, size } = range;
  const file = await Deno.open(path, { read: true });
  try {
    if (start > 0) await file.seek(start, Deno.SeekMode.Start);
  } catch (error) {
    file.close();
    throw error;
  }
  if (end === size - 1) return file.readable;
  let left = end - start + 1;
  const close = () => {
    try {
      file.close();
    } catch {
      // already closed
    }
  };
  return new ReadableStream<Uint8Array>({
    type: "bytes",
    async pull(controller) {
      const buffer = new Uint8Array(Math.min(CHUNK_BYTES, left));
      const read = await file.read(buffer);
      if (read === null || read === 0) {
        close();
        controller.close();
        return;
      }
      left -= read;
      controller.enqueue(buffer.subarray(0, read));
      if (left <= 0) {
        close();
        controller.close();
      }
    },
    cancel: close,
  });
}

/** The response for a stored object: the whole of it, or one satisfiable range (`206`). */
export async function blobResponse(
  blob: StoredBlob,
  range: Exclude<RangeAnswer, { kind: "unsatisfiable" }>,
  headers: Record<string, string>,
): Promise<Response> {
  const { start, end } = range.kind === "partial" ? range : { start: 0, end: blob.size - 1 };
  const length = Math.max(0, end - start + 1);
  const body: BodyInit = blob.data
    ? blob.data.subarray(start, end + 1)
    : length === 0
    ? new Uint8Array(0)
    : await fileSlice(blob.path!, { start, end, size: blob.size });
  const partial = range.kind === "partial";
  return new Response(body, {
    status: partial ? 206 : 200,
    headers: {
      ...headers,
      "Content-Length": String(length),
      ...(partial ? { "Content-Range": contentRange(range, blob.size)! } : {}),
    },
  });
}
