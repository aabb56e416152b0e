/**
 * lib/bio/fasta.ts: records, line numbers and the problems it reports.
 * @module
 */
import assert from "node:assert/strict";
import { type FastaIssue, formatFasta, parseFasta } from "../lib/bio/fasta.ts";

const errorsOf = (issues: FastaIssue[]) => issues.filter((issue) => issue.severity === "error");

Deno.test("parseFasta reads ids, descriptions, header lines and joined sequences", () => {
  const { records, issues } = parseFasta(
    ">sp|P00698|LYSC_CHICK Lysozyme C, hen  \nKVFGRCELAA\nAMKRHGLDNY\n\n>short\nMKT\n",
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(records, [
    {
      id: "sp|P00698|LYSC_CHICK",
      description: "Lysozyme C, hen",
      sequence: "KVFGRCELAAAMKRHGLDNY",
      line: 1,
    },
    { id: "short", description: "", sequence: "MKT", line: 5 },
  ]);
});

Deno.test("parseFasta handles CRLF, lone CR, a byte-order mark and inner whitespace", () => {
  const expected = [
    { id: "a", description: "first", sequence: "MKTAYIAK", line: 1 },
    { id: "b", description: "", sequence: "GG", line: 4 },
  ];
  for (const newline of ["\r\n", "\r", "\n"]) {
    const text = ["\uFEFF>a first", "MKTA YIAK\t", "", ">b", "G G", ""].join(newline);
    const { records, issues } = parseFasta(text);
    assert.deepEqual(issues, [], JSON.stringify(newline));
    assert.deepEqual(records, expected, JSON.stringify(newline));
  }
});

Deno.test("parseFasta skips ; comment lines and blank lines, even before the first header", () => {
  const { records, issues } = parseFasta(
    "; made by hand\n\n>a\n;comment inside\nMK\n  ; indented comment\nTA\n",
  );
  assert.deepEqual(issues, []);
  assert.deepEqual(records.map((record) => record.sequence), ["MKTA"]);
});

Deno.test("parseFasta tolerates indentation before > and keeps letter case", () => {
  const { records, issues } = parseFasta("  >a desc\n  mkTA\n");
  assert.deepEqual(issues, []);
  assert.deepEqual(records, [{ id: "a", description: "desc", sequence: "mkTA", line: 1 }]);
});

Deno.test("parseFasta strips exactly one final * per record", () => {
  const { records, issues } = parseFasta(">a\nMKT*\n>b\nMK*T\n>c\nMKT**\n>d\nMKT\n*\n");
  assert.deepEqual(issues, []);
  assert.deepEqual(records.map((record) => record.sequence), ["MKT", "MK*T", "MKT*", "MKT"]);
  const kept = parseFasta(">a\nMKT*\n>b\nMKT\n*\n>c\nMKT\n", { keepFinalStop: true });
  assert.deepEqual(kept.records.map((record) => record.sequence), ["MKT*", "MKT*", "MKT"]);
});

Deno.test("parseFasta accepts a bare sequence as one record named seq1", () => {
  const { records, issues } = parseFasta("\n  MKTAYIAKQR QISFVKSHFS\nRQLEERLGLI*\n");
  assert.deepEqual(issues, []);
  assert.deepEqual(records, [{
    id: "seq1",
    description: "",
    sequence: "MKTAYIAKQRQISFVKSHFSRQLEERLGLI",
    line: 2,
  }]);
});

Deno.test("parseFasta refuses a bare sequence when allowBareSequence is false", () => {
  const { records, issues } = parseFasta("\nMKTAYIAKQR\n", { allowBareSequence: false });
  assert.deepEqual(records, []);
  assert.deepEqual(issues, [{
    line: 2,
    severity: "error",
    message: 'line 2: expected a ">" header line',
  }]);
});

Deno.test("parseFasta reports text that is not FASTA with its line and column", () => {
  const { issues } = parseFasta("Dear colleague,\nplease fold MKTAYIAK.\n");
  assert.deepEqual(issues, [
    {
      line: 1,
      severity: "error",
      message: 'line 1, column 15: "," is not a sequence character (this does not look like FASTA)',
    },
    {
      line: 2,
      severity: "error",
      message: 'line 2, column 21: "." is not a sequence character (this does not look like FASTA)',
    },
  ]);
});

Deno.test("parseFasta reports digits and punctuation inside a record", () => {
  const { records, issues } = parseFasta(">a\n1 MKTAYIAK\nQRQ\n>b\nMK_T\n");
  assert.deepEqual(issues, [
    { line: 2, severity: "error", message: 'line 2, column 1: "1" is not a sequence character' },
    { line: 5, severity: "error", message: 'line 5, column 3: "_" is not a sequence character' },
  ]);
  // The rejected lines are left out rather than guessed at.
  assert.deepEqual(records.map((record) => record.sequence), ["QRQ", ""]);
});

Deno.test("parseFasta reports empty input", () => {
  for (const text of ["", "   \n\n", "; only a comment\n", "\uFEFF"]) {
    assert.deepEqual(parseFasta(text), {
      records: [],
      issues: [{ line: 1, severity: "error", message: "the input is empty: no FASTA records" }],
    }, JSON.stringify(text));
  }
});

Deno.test("parseFasta reports a header with no sequence, including a lone stop", () => {
  const { records, issues } = parseFasta(">a\n>b desc\nMKT\n>c\n*\n>d\n");
  assert.deepEqual(records.map((record) => record.id), ["a", "b", "c", "d"]);
  assert.deepEqual(errorsOf(issues).map((issue) => issue.message), [
    'line 1: record "a" has no sequence',
    'line 4: record "c" has no sequence',
    'line 6: record "d" has no sequence',
  ]);
});

Deno.test("parseFasta reports a header without an identifier", () => {
  const { issues } = parseFasta(">\nMKT\n>   \nGG\n");
  assert.deepEqual(errorsOf(issues).map((issue) => issue.message), [
    'line 1: header has no identifier after ">"',
    'line 3: header has no identifier after ">"',
  ]);
});

Deno.test("parseFasta reports sequence text before the first header", () => {
  const { records, issues } = parseFasta("MKT\n>a\nGG\n");
  assert.deepEqual(records.map((record) => record.id), ["a"]);
  assert.deepEqual(issues, [{
    line: 1,
    severity: "error",
    message: 'line 1: sequence text before the first ">" header',
  }]);
});

Deno.test("parseFasta keeps records with a repeated identifier and warns", () => {
  const { records, issues } = parseFasta(">a\nMK\n>b\nGG\n>a again\nTT\n");
  assert.deepEqual(records.map((record) => record.sequence), ["MK", "GG", "TT"]);
  assert.deepEqual(issues, [{
    line: 5,
    severity: "warning",
    message: 'line 5: identifier "a" is also used on line 1',
  }]);
});

Deno.test("formatFasta wraps at 60 by default and at the given width", () => {
  const sequence = "ACDEFGHIKLMNPQRSTVWY".repeat(4);
  assert.equal(
    formatFasta([{ id: "p1", description: "first protein", sequence }]),
    `>p1 first protein\n${sequence.slice(0, 60)}\n${sequence.slice(60)}\n`,
  );
  assert.equal(
    formatFasta([{ id: "a", description: "", sequence: "MKTAYI" }, {
      id: "b",
      description: "x",
      sequence: "GG",
    }], { width: 4 }),
    ">a\nMKTA\nYI\n>b x\nGG\n",
  );
  assert.equal(
    formatFasta([{ id: "a", description: "", sequence }], { width: 0 }),
    `>a\n${sequence}\n`,
  );
  assert.equal(formatFasta([]), "");
});

Deno.test("formatFasta output parses back to the same records", () => {
  const original = parseFasta(
    ">sp|P01308|INS_HUMAN Insulin, B chain\nFVNQHLCGSHLVEALYLVCGERGFFYTPKT\n>u seleno\nMKRLUGSTAUKW\n",
  ).records;
  const again = parseFasta(formatFasta(original, { width: 7 })).records;
  assert.deepEqual(
    again.map(({ id, description, sequence }) => ({ id, description, sequence })),
    original.map(({ id, description, sequence }) => ({ id, description, sequence })),
  );
});
