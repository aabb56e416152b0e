/**
 * A streaming `multipart/form-data` reader (RFC 7578): text fields are collected (small,
 * capped), and a file part is handed over as a stream while the body is still arriving, so
 * a 1 GB upload never sits in memory. Only the delimiter's length is held back between chunks.
 *
 * @example
 * ```ts
 * import { readMultipart } from "./_multipart.ts";
 * const body = new Response("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--\r\n").body!;
 * const { fields } = await readMultipart(body, "b", {
 *   maxFieldBytes: 1024,
 *   onFile: async (_part, stream) => void await stream.cancel(),
 * });
 * console.log(fields.get("a")); // ["1"]
 * ```
 * @module
 */
import { Buffer } from "node:buffer";

/** The headers of one part. */
export interface PartInfo {
  name: string;
  filename: string | undefined;
  contentType: string;
}

/** The body is not well-formed multipart. */
export class MultipartError extends Error {
  /** A malformed body. */
  constructor(message: string) {
    super(message);
    this.name = "MultipartError";
  }
}

const CRLF = new Uint8Array([13, 10]);
const HEADER_END = new Uint8Array([13, 10, 13, 10]);
const MAX_HEADER_BYTES = 16 * 1024;

/** Bytes of each of the reader's two working buffers. */
const BUFFER_BYTES = 256 * 1024;
/** Grow a buffer rather than read fewer bytes than this into it. */
const MIN_READ_BYTES = 16 * 1024;

/**
 * Bytes read from a stream on demand into two working buffers, with a cheap search.
 *
 * Why two reused buffers: a fresh buffer per network chunk is memory the garbage collector
 * gives back only in bulk, so a fast 1 GB upload grew the server by ~80 MB; reading into the
 * same two buffers (with a BYOB reader when the body is a byte stream, as request bodies are)
 * keeps it at a few MB. File content is lent out as views: the newest one stays valid while
 * the next piece is read, older ones are overwritten.
 */
class Bytes {
  readonly #byob: ReadableStreamBYOBReader | undefined;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** The two working buffers; `#current` indexes the one `#view` lies in. */
  #buffers: [Uint8Array, Uint8Array] = [new Uint8Array(0), new Uint8Array(0)];
  #current = 0;
  /** Which buffer the newest lent view lies in (-1: none lent). */
  #lent = -1;
  /** The unread bytes. */
  #view: Uint8Array = new Uint8Array(0);
  #ended = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    try {
      this.#byob = stream.getReader({ mode: "byob" });
    } catch {
      // Not a byte stream: chunks arrive in buffers of the stream's own and are copied in.
      this.#reader = stream.getReader();
    }
  }

  get length(): number {
    return this.#view.byteLength;
  }

  /**
   * Read one more chunk after the unread bytes; false at the end of the body. The unread
   * bytes move to the front of a buffer that holds no lent view, and the chunk is read in
   * right after them, so what is searched is always one contiguous view.
   */
  async fill(): Promise<boolean> {
    if (this.#ended) return false;
    const target = this.#lent === this.#current ? 1 - this.#current : this.#current;
    const unread = this.#view.byteLength;
    let buffer = this.#buffers[target];
    if (buffer.byteLength - unread < MIN_READ_BYTES) {
      buffer = new Uint8Array(Math.max(BUFFER_BYTES, 2 * (unread + MIN_READ_BYTES)));
    }
    // Overlapping moves (within one buffer) are safe: `set` copies as if through a temporary.
    buffer.set(this.#view);
    let read: number;
    if (this.#byob) {
      const { value, done } = await this.#byob.read(buffer.subarray(unread));
      if (done || !value) {
        // A cancelled stream keeps the buffer (detached): nothing more is read from it.
        this.#ended = true;
        this.#buffers[target] = value ? new Uint8Array(value.buffer) : new Uint8Array(0);
        this.#view = this.#buffers[target].subarray(0, value ? unread : 0);
        this.#current = target;
        return false;
      }
      // The read took the buffer over (its old `ArrayBuffer` is detached): keep the new one.
      buffer = new Uint8Array(value.buffer);
      read = value.byteLength;
    } else if (this.#reader) {
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        this.#buffers[target] = buffer;
        this.#view = buffer.subarray(0, unread);
        this.#current = target;
        return false;
      }
      if (buffer.byteLength - unread < value.byteLength) {
        const bigger = new Uint8Array(unread + value.byteLength + MIN_READ_BYTES);
        bigger.set(buffer.subarray(0, unread));
        buffer = bigger;
      }
      buffer.set(value, unread);
      read = value.byteLength;
    } else {
      return false;
    }
    this.#buffers[target] = buffer;
    this.#current = target;
    this.#view = buffer.subarray(0, unread + read);
    return true;
  }

  indexOf(pattern: Uint8Array): number {
    const b = this.#view;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(pattern);
  }

  startsWith(pattern: Uint8Array): boolean {
    if (this.#view.byteLength < pattern.byteLength) return false;
    return pattern.every((byte, i) => this.#view[i] === byte);
  }

  /** Take `n` bytes off the front, as a view valid until the next fill. */
  take(n: number): Uint8Array {
    const head = this.#view.subarray(0, n);
    this.#view = this.#view.subarray(n);
    return head;
  }

  /**
   * The next piece of a part's content, up to `separator`: `done` once the separator was
   * found (and consumed), `null` if the body ended first. Only the few bytes that might start
   * the separator are held back between reads; the piece is lent (see the class).
   */
  async contentPiece(separator: Uint8Array): Promise<{ data: Uint8Array; done: boolean } | null> {
    for (;;) {
      const at = this.indexOf(separator);
      if (at >= 0) {
        const data = this.#lend(at);
        this.take(separator.byteLength);
        return { data, done: true };
      }
      const keep = Math.min(this.length, separator.byteLength - 1);
      if (this.length > keep) return { data: this.#lend(this.length - keep), done: false };
      if (!await this.fill()) return null;
    }
  }

  #lend(n: number): Uint8Array {
    this.#lent = this.#current;
    return this.take(n);
  }

  /** Make sure at least `n` bytes are buffered; false if the body ends first. */
  async need(n: number): Promise<boolean> {
    while (this.#view.byteLength < n) if (!await this.fill()) return false;
    return true;
  }

  /** Stop reading the body. */
  async cancel(): Promise<void> {
    await (this.#byob ?? this.#reader)?.cancel().catch(() => undefined);
  }
}

function parseHeaders(text: string): PartInfo {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType = "";
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === "content-disposition") {
      name = /(?:^|;)\s*name="([^"]*)"/i.exec(value)?.[1] ??
        /(?:^|;)\s*name=([^;\s]+)/i.exec(value)?.[1];
      filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(value)?.[1] ??
        /(?:^|;)\s*filename=([^;\s]+)/i.exec(value)?.[1];
    } else if (header === "content-type") {
      contentType = value;
    }
  }
  if (name === undefined) throw new MultipartError("a part has no Content-Disposition name");
  // RFC 7578 §4.2: browsers and this module's client percent-encode quotes and line breaks.
  const decode = (value: string) =>
    value.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%22/g, '"');
  return { name: decode(name), filename: filename && decode(filename), contentType };
}

/**
 * Read a multipart body. Text fields come back in `fields`; each part with a file name is
 * passed to `onFile` as a stream, which must be read to its end (or cancelled) before the
 * rest of the body is parsed. Its chunks are views into the reader's reused buffers: a chunk
 * stays valid while the next one is read (so writing one can overlap reading the next) and
 * is overwritten after that; copy a chunk to keep it.
 */
export async function readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  options: {
    maxFieldBytes: number;
    onFile: (part: PartInfo, stream: ReadableStream<Uint8Array>) => Promise<void>;
  },
): Promise<{ fields: Map<string, string[]> }> {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const separator = encoder.encode(`\r\n--${boundary}`);
  const bytes = new Bytes(body);
  const fields = new Map<string, string[]>();
  let fieldBytes = 0;
  try {
    // The preamble, then the first delimiter.
    for (;;) {
      const at = bytes.indexOf(delimiter);
      if (at >= 0) {
        bytes.take(at + delimiter.byteLength);
        break;
      }
      if (bytes.length > MAX_HEADER_BYTES || !await bytes.fill()) {
        throw new MultipartError("no multipart boundary in the body");
      }
    }
    for (;;) {
      if (!await bytes.need(2)) throw new MultipartError("the body ends inside a delimiter");
      if (bytes.startsWith(new Uint8Array([45, 45]))) break; // "--": the closing delimiter
      if (!bytes.startsWith(CRLF)) throw new MultipartError("a delimiter is not followed by CRLF");
      bytes.take(2);
      let end: number;
      while ((end = bytes.indexOf(HEADER_END)) < 0) {
        if (bytes.length > MAX_HEADER_BYTES || !await bytes.fill()) {
          throw new MultipartError("a part's headers do not end");
        }
      }
      const part = parseHeaders(new TextDecoder().decode(bytes.take(end)));
      bytes.take(HEADER_END.byteLength);
      if (part.filename !== undefined) {
        let finished = false;
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            for (;;) {
              const piece = await bytes.contentPiece(separator);
              if (piece === null) {
                controller.error(new MultipartError("the body ends inside the file part"));
                return;
              }
              if (piece.data.byteLength > 0) controller.enqueue(piece.data);
              if (piece.done) {
                finished = true;
                controller.close();
                return;
              }
              if (piece.data.byteLength > 0) return;
            }
          },
        }, { highWaterMark: 0 });
        await options.onFile(part, stream);
        if (!finished) throw new MultipartError("the file part was not read to its end");
      } else {
        let at: number;
        while ((at = bytes.indexOf(separator)) < 0) {
          if (fieldBytes + bytes.length > options.maxFieldBytes) {
            throw new MultipartError(`form fields are larger than ${options.maxFieldBytes} bytes`);
          }
          if (!await bytes.fill()) throw new MultipartError("the body ends inside a field");
        }
        fieldBytes += at;
        if (fieldBytes > options.maxFieldBytes) {
          throw new MultipartError(`form fields are larger than ${options.maxFieldBytes} bytes`);
        }
        const value = new TextDecoder().decode(bytes.take(at));
        bytes.take(separator.byteLength);
        fields.set(part.name, [...fields.get(part.name) ?? [], value]);
      }
    }
    return { fields };
  } finally {
    await bytes.cancel();
  }
}
