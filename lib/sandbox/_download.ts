/**
 * Serving a stored object: inline bytes as they are, on-disk ones streamed from their file,
 * never read whole. A single `Range: bytes=…` (`a-b`, `a-`, `-n`) is honoured with `206`,
 * so an interrupted download resumes; an unsatisfiable one is `416`; anything else (several
 * ranges, another unit) gets the whole object, as RFC 9110 allows.
 *
 * @example
 * ```ts
 * import { singleRange } from "./_download.ts";
 * singleRange("bytes=10-", 100); // { start: 10, end: 99 }
 * ```
 * @module
 */
import type { StoredBlob } from "./_files.ts";

/** Bytes read from disk per chunk. */
const CHUNK_BYTES = 256 * 1024;

/**
 * The one range a `Range` header asks for in an object of `size` bytes: `null` when there is
 * none to honour (absent, malformed, several ranges), `"unsatisfiable"` when it lies outside.
 */
export function singleRange(
  header: string | null | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header ?? "");
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    // A suffix: the last n bytes.
    const length = Number(match[2]);
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}

/** A stream of bytes `start..end` (inclusive) of the file at `path`. */
async function fileSlice(
  path: string,
  start: number,
  end: number,
): Promise<ReadableStream<Uint8Array>> {
  const file = await Deno.open(path, { read: true });
  try {
    if (start > 0) await file.seek(start, Deno.SeekMode.Start);
  } catch (error) {
    file.close();
    throw error;
  }
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

/** The response for a stored object, honouring a single range. */
export async function blobResponse(
  blob: StoredBlob,
  rangeHeader: string | undefined,
  headers: Record<string, string>,
): Promise<Response> {
  const range = singleRange(rangeHeader, blob.size);
  if (range === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...headers, "Content-Range": `bytes */${blob.size}` },
    });
  }
  const { start, end } = range ?? { start: 0, end: blob.size - 1 };
  const length = Math.max(0, end - start + 1);
  const body: BodyInit = blob.data
    ? blob.data.subarray(start, end + 1)
    : length === 0
    ? new Uint8Array(0)
    : await fileSlice(blob.path!, start, end);
  return new Response(body, {
    status: range ? 206 : 200,
    headers: {
      ...headers,
      "Content-Length": String(length),
      ...(range ? { "Content-Range": `bytes ${start}-${end}/${blob.size}` } : {}),
    },
  });
}
