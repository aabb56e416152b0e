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

/** Bytes read from a stream on demand, with a cheap search. */
class Bytes {
  #buffer: Uint8Array = new Uint8Array(0);
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  #ended = false;

  constructor(reader: ReadableStreamDefaultReader<Uint8Array>) {
    this.#reader = reader;
  }

  get length(): number {
    return this.#buffer.byteLength;
  }

  /** Read one more chunk; false at the end of the body. */
  async fill(): Promise<boolean> {
    if (this.#ended) return false;
    const { value, done } = await this.#reader.read();
    if (done) {
      this.#ended = true;
      return false;
    }
    this.#append(value);
    return true;
  }

  indexOf(pattern: Uint8Array): number {
    const b = this.#buffer;
    return Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(pattern);
  }

  startsWith(pattern: Uint8Array): boolean {
    if (this.#buffer.byteLength < pattern.byteLength) return false;
    return pattern.every((byte, i) => this.#buffer[i] === byte);
  }

  /** Take `n` bytes off the front (a view: later fills never overwrite it). */
  take(n: number): Uint8Array {
    const head = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return head;
  }

  /**
   * The next piece of a part's content, up to `separator`: `done` once the separator was
   * found (and consumed), `null` if the body ended first. Only the few bytes that might start
   * the separator are held back between chunks; the seam between them and the next chunk is
   * checked on a small copy, and they then travel with that chunk's content.
   */
  async contentPiece(separator: Uint8Array): Promise<{ data: Uint8Array; done: boolean } | null> {
    for (;;) {
      const at = this.indexOf(separator);
      if (at >= 0) {
        const data = this.take(at);
        this.take(separator.byteLength);
        return { data, done: true };
      }
      const keep = Math.min(this.length, separator.byteLength - 1);
      if (this.length > keep) return { data: this.take(this.length - keep), done: false };
      if (this.#ended) return null;
      const { value, done } = await this.#reader.read();
      if (done) {
        this.#ended = true;
        return null;
      }
      const carry = this.#buffer;
      if (carry.byteLength === 0 || value.byteLength < separator.byteLength) {
        this.#append(value);
        continue;
      }
      const seam = new Uint8Array(carry.byteLength + separator.byteLength - 1);
      seam.set(carry);
      seam.set(value.subarray(0, separator.byteLength - 1), carry.byteLength);
      const p = Buffer.from(seam.buffer).indexOf(separator);
      if (p >= 0 && p < carry.byteLength) {
        this.#buffer = value.subarray(p + separator.byteLength - carry.byteLength);
        return { data: carry.subarray(0, p), done: true };
      }
      // The separator does not start in the carried bytes: they are content, sent with this
      // chunk's content in one piece (one write downstream, not a tiny one per chunk).
      const found = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
        .indexOf(separator);
      const cut = found >= 0 ? found : value.byteLength - (separator.byteLength - 1);
      const data = new Uint8Array(carry.byteLength + cut);
      data.set(carry);
      data.set(value.subarray(0, cut), carry.byteLength);
      this.#buffer = value.subarray(found >= 0 ? found + separator.byteLength : cut);
      return { data, done: found >= 0 };
    }
  }

  #append(value: Uint8Array): void {
    if (this.#buffer.byteLength === 0) {
      this.#buffer = value;
      return;
    }
    const joined = new Uint8Array(this.#buffer.byteLength + value.byteLength);
    joined.set(this.#buffer);
    joined.set(value, this.#buffer.byteLength);
    this.#buffer = joined;
  }

  /** Make sure at least `n` bytes are buffered; false if the body ends first. */
  async need(n: number): Promise<boolean> {
    while (this.#buffer.byteLength < n) if (!await this.fill()) return false;
    return true;
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
 * rest of the body is parsed.
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
  const reader = body.getReader();
  const bytes = new Bytes(reader);
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
    await reader.cancel().catch(() => undefined);
  }
}
