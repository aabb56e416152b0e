/**
 * Requests that Deno's HTTP layer refuses before the sandbox sees them, sent as raw bytes over
 * TCP. The sandbox cannot answer these with the error envelope (lib/sandbox/README.md, "Before
 * the sandbox"): Deno answers `400` with an empty body and closes the connection. This test
 * pins that behaviour, so a Deno upgrade that changes it shows up here, and checks that a
 * header section inside Deno's limits but past the sandbox's own (32 KiB, 100 fields) gets a
 * `431` with the envelope.
 */
import assert from "node:assert/strict";
import { startSandbox } from "../lib/sandbox/mod.ts";

/** Send raw bytes and read the answer's head (and what body arrives with it). */
async function raw(port: number, bytes: Uint8Array): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), 5000);
  let out = "";
  try {
    await conn.write(bytes).catch(() => undefined);
    const buffer = new Uint8Array(65536);
    while (true) {
      const n = await conn.read(buffer).catch(() => null);
      if (n === null) break;
      out += new TextDecoder().decode(buffer.subarray(0, n));
      const head = out.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(out)?.[1];
      if (head >= 0 && length !== undefined && out.length >= head + 4 + Number(length)) break;
    }
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // closed by the timer or the server
    }
  }
  return out;
}

const encoder = new TextEncoder();
const request = (headers: string) =>
  encoder.encode(`GET /api/v1/account HTTP/1.1\r\nHost: sandbox\r\n${headers}\r\n\r\n`);

Deno.test("what Deno refuses before the sandbox: 400, empty body, connection closed — never a 5xx", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const port = new URL(sandbox.url).port;
  const refused: [string, Uint8Array][] = [
    ["a 90 KB header", request(`X-Big: ${"a".repeat(90_000)}`)],
    [
      "200 header fields",
      request(Array.from({ length: 200 }, (_, i) => `X-H${i}: v`).join("\r\n")),
    ],
    ["a control character in a value", request("X-C: a\u0001b")],
    ["NUL in a value", request("X-C: a\u0000b")],
    ["DEL in a value", request("X-C: a\u007fb")],
    ["a space in a header name", request("X C: v")],
    ["a malformed request line", encoder.encode("GARBAGE\r\n\r\n")],
    [
      "a non-numeric Content-Length",
      encoder.encode("POST /api/v1/jobs HTTP/1.1\r\nHost: s\r\nContent-Length: abc\r\n\r\n"),
    ],
  ];
  for (const [what, bytes] of refused) {
    const answer = await raw(Number(port), bytes);
    assert.match(answer, /^HTTP\/1\.1 400 Bad Request\r\n/, what);
    assert.match(answer, /\r\ncontent-length: 0\r\n/i, `${what}: no body`);
    assert.match(answer, /\r\nconnection: close\r\n/i, what);
    assert.doesNotMatch(answer, /x-request-id/i, `${what}: the sandbox never saw it`);
  }
});

Deno.test("headers within Deno's limits but past the sandbox's answer 431 with the envelope; smaller ones reach the route", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const port = Number(new URL(sandbox.url).port);
  const fields = (count: number) =>
    Array.from({ length: count - 1 }, (_, i) => `X-H${i}: v`).join("\r\n");
  for (
    const [what, headers, status, code] of [
      ["a 60 KB header", `X-Big: ${"a".repeat(60_000)}`, 431, "request_header_fields_too_large"],
      ["120 header fields", fields(120), 431, "request_header_fields_too_large"],
      ["a 30 KB header", `X-Big: ${"a".repeat(30_000)}`, 401, "unauthorized"],
      ["100 header fields", fields(100), 401, "unauthorized"],
    ] as const
  ) {
    const answer = await raw(port, request(headers));
    assert.match(answer, new RegExp(`^HTTP/1\\.1 ${status} `), what);
    assert.match(answer, /x-request-id: req_/i, what);
    assert.match(answer, /content-type: application\/json/i, what);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    assert.equal(body.error.code, code, what);
  }
});
