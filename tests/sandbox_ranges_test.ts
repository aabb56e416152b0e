/**
 * `Range` on signed downloads, with real `fetch` against the sandbox: single and suffix ranges
 * answer 206 with the right `Content-Range` and bytes, an unsatisfiable range answers 416 with
 * the JSON error envelope and `Content-Range: bytes *\/SIZE`, and several ranges answer 200
 * with the whole file. The pure resolver is checked on the edge cases too.
 */
import assert from "node:assert/strict";
import { clientRig, propertiesRequest } from "./_client_support.ts";
import { ErrorEnvelope } from "../lib/contract/errors.ts";
import { resolveRange } from "../lib/sandbox/_range.ts";

Deno.test("resolveRange: RFC 9110 byte ranges against a size", () => {
  const cases: [string | null, number, ReturnType<typeof resolveRange>][] = [
    [null, 10, { kind: "whole" }],
    ["bytes=0-0", 10, { kind: "partial", start: 0, end: 0 }],
    ["bytes=2-5", 10, { kind: "partial", start: 2, end: 5 }],
    ["bytes=2-", 10, { kind: "partial", start: 2, end: 9 }],
    ["bytes=2-999999999999999999999", 10, { kind: "partial", start: 2, end: 9 }],
    ["bytes=-3", 10, { kind: "partial", start: 7, end: 9 }],
    ["bytes=-30", 10, { kind: "partial", start: 0, end: 9 }],
    ["Bytes = 1-2", 10, { kind: "partial", start: 1, end: 2 }],
    ["bytes=10-", 10, { kind: "unsatisfiable" }],
    ["bytes=10-20", 10, { kind: "unsatisfiable" }],
    ["bytes=5-2", 10, { kind: "unsatisfiable" }],
    ["bytes=-0", 10, { kind: "unsatisfiable" }],
    ["bytes=0-", 0, { kind: "unsatisfiable" }],
    ["bytes=-5", 0, { kind: "unsatisfiable" }],
    ["bytes=0-1,4-5", 10, { kind: "whole" }],
    ["items=0-1", 10, { kind: "whole" }],
    ["bytes=abc", 10, { kind: "whole" }],
    ["bytes=", 10, { kind: "whole" }],
    ["bytes=1-2-3", 10, { kind: "whole" }],
  ];
  for (const [header, size, expected] of cases) {
    assert.deepEqual(resolveRange(header, size), expected, `${header} of ${size}`);
  }
});

Deno.test("signed downloads: 206 for single and suffix ranges, 416 with the envelope, 200 for several ranges", async () => {
  await using rig = await clientRig();
  const job = await rig.piq.jobs.submit(propertiesRequest("ranges"));
  await job.wait({ display: false });
  const result = await job.result();
  const file = result.data.files[0];
  const url = file.url;
  assert.ok(url, "a signed URL");
  const whole = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const size = whole.byteLength;
  assert.equal(size, file.size_bytes);
  assert.ok(size > 20, `${size} bytes`);

  const get = (range: string) => fetch(url, { headers: { Range: range } });
  const partial = async (range: string, start: number, end: number) => {
    const response = await get(range);
    assert.equal(response.status, 206, range);
    assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${size}`, range);
    assert.equal(response.headers.get("content-length"), String(end - start + 1), range);
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), whole.slice(start, end + 1));
  };
  await partial("bytes=0-9", 0, 9);
  await partial("bytes=5-", 5, size - 1);
  await partial("bytes=-7", size - 7, size - 1);
  await partial(`bytes=-${size + 100}`, 0, size - 1);
  await partial(`bytes=3-${size + 100}`, 3, size - 1);

  for (
    const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 9}`, "bytes=9-3", "bytes=-0"]
  ) {
    const response = await get(range);
    assert.equal(response.status, 416, range);
    assert.equal(response.headers.get("content-range"), `bytes */${size}`, range);
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/, range);
    assert.match(response.headers.get("x-request-id") ?? "", /^req_/);
    const envelope = ErrorEnvelope.parse(await response.json());
    assert.equal(envelope.error.code, "range_not_satisfiable");
    assert.match(envelope.error.message, new RegExp(`${size} bytes`));
  }

  for (const range of ["bytes=0-1,4-5", "items=0-3", "bytes=zz"]) {
    const response = await get(range);
    assert.equal(response.status, 200, range);
    assert.equal(response.headers.get("content-range"), null, range);
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), whole, range);
  }
});
