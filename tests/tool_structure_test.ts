/**
 * Structure reading and analysis against Biopython and mkdssp (tests/fixtures/structures.json,
 * written by scripts/gen_structure_fixtures.py from the files in tests/fixtures/structures/),
 * and the "Structure analysis" and "PDB → FASTA" tools through the sandbox.
 *
 * Tolerances: coordinates are stored with 3 decimals and Biopython keeps them in single
 * precision, so φ/ψ agree within 0.01°, distances and radii of gyration within 1e-4 Å,
 * B-factors within 1e-6; sequences, chains, counts, contact pairs and DSSP letters exactly.
 */
import assert from "node:assert/strict";
import { connect, ValidationError } from "../mod.ts";
import {
  analyzeStructure,
  chainSequences,
  parseStructure,
  type StructureFormat,
} from "../lib/bio/structure/analysis.ts";
import { parseCif, scanMmcif } from "../lib/bio/structure/mmcif.ts";
import { StructureFormatError } from "../lib/bio/structure/model.ts";
import { parsePdb, scanPdb } from "../lib/bio/structure/pdb.ts";
import { buildPeptide, peptideToPdb } from "../lib/bio/structure/builder.ts";

const ANGLE_TOLERANCE = 0.01;
const DISTANCE_TOLERANCE = 1e-4;
const B_TOLERANCE = 1e-6;

interface ResidueReference {
  chain: string;
  number: number;
  insertion: string;
  name: string;
  b_factor: number;
  ca_b_factor: number | null;
  phi: number | null;
  psi: number | null;
  dssp: string | null;
}
interface FileReference {
  format: "pdb" | "cif";
  models: number;
  chains: { chain: string; residues: number; atoms: number }[];
  residues: ResidueReference[];
  radius_of_gyration: number;
  radius_of_gyration_ca: number;
  contacts: [number, number, number][];
  seqres: Record<string, string>;
  atom_sequences: Record<string, string>;
  dssp_version: string;
}

const FIXTURES = JSON.parse(
  await Deno.readTextFile(new URL("./fixtures/structures.json", import.meta.url)),
) as { files: Record<string, FileReference> };
const readStructureFile = (name: string) =>
  Deno.readTextFile(new URL(`./fixtures/structures/${name}`, import.meta.url));
const formatOf = (reference: FileReference): StructureFormat =>
  reference.format === "pdb" ? "pdb" : "cif";

function close(actual: number | null, expected: number | null, tolerance: number, what: string) {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, what);
    return;
  }
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} vs ${expected} (tolerance ${tolerance})`,
  );
}

Deno.test("fixtures cover several files, formats and every DSSP state the files contain", () => {
  const names = Object.keys(FIXTURES.files);
  assert.ok(names.length >= 5);
  assert.ok(names.some((name) => name.endsWith(".cif")));
  const states = new Set(
    Object.values(FIXTURES.files).flatMap((file) => file.residues.map((r) => r.dssp)),
  );
  for (const state of ["H", "E", "G", "P", "S", "-"]) assert.ok(states.has(state), state);
  assert.match(FIXTURES.files["complex.pdb"].dssp_version, /mkdssp version 4/);
});

for (const [name, reference] of Object.entries(FIXTURES.files)) {
  Deno.test(`${name}: chains, residues, B-factors, φ/ψ, Rg, contacts and DSSP match the references`, async () => {
    const structure = parseStructure(await readStructureFile(name), formatOf(reference));
    const analysis = analyzeStructure(structure);
    assert.equal(analysis.models, reference.models, "models");
    assert.deepEqual(
      analysis.chains.map((chain) => ({
        chain: chain.chain,
        residues: chain.residues,
        atoms: chain.atoms,
      })),
      reference.chains,
    );
    assert.equal(analysis.residues.length, reference.residues.length, "residue count");
    analysis.residues.forEach((residue, index) => {
      const expected = reference.residues[index];
      const where =
        `${name} ${expected.chain}:${expected.name}${expected.number}${expected.insertion}`;
      assert.deepEqual(
        [residue.chain, residue.number, residue.insertion, residue.name],
        [expected.chain, expected.number, expected.insertion, expected.name],
        where,
      );
      close(residue.bFactor, expected.b_factor, B_TOLERANCE, `${where} B-factor`);
      close(residue.caBFactor, expected.ca_b_factor, B_TOLERANCE, `${where} Cα B-factor`);
      close(residue.phi, expected.phi, ANGLE_TOLERANCE, `${where} φ`);
      close(residue.psi, expected.psi, ANGLE_TOLERANCE, `${where} ψ`);
      assert.equal(residue.dssp, expected.dssp, `${where} DSSP (mkdssp says ${expected.dssp})`);
    });
    close(analysis.radiusOfGyration, reference.radius_of_gyration, DISTANCE_TOLERANCE, "Rg");
    close(
      analysis.radiusOfGyrationCa,
      reference.radius_of_gyration_ca,
      DISTANCE_TOLERANCE,
      "Rg Cα",
    );
    assert.deepEqual(
      analysis.contacts.map(([i, j]) => [i, j]),
      reference.contacts.map(([i, j]) => [i, j]),
      "contact pairs",
    );
    analysis.contacts.forEach(([, , d], k) =>
      close(d, reference.contacts[k][2], DISTANCE_TOLERANCE, `contact ${k} distance`)
    );
    const atom = Object.fromEntries(
      chainSequences(structure, { source: "atom" }).map((entry) => [entry.chain, entry.sequence]),
    );
    assert.deepEqual(atom, reference.atom_sequences, "atom sequences");
    if (Object.keys(reference.seqres).length > 0) {
      const seqres = Object.fromEntries(
        chainSequences(structure, { source: "seqres" }).map((e) => [e.chain, e.sequence]),
      );
      assert.deepEqual(seqres, reference.seqres, "SEQRES sequences");
    }
  });
}

Deno.test("the complex file exercises what real entries have", async () => {
  const structure = parsePdb(await readStructureFile("complex.pdb"));
  assert.equal(structure.id, "9XYZ");
  assert.match(structure.title, /MIXED ALPHA\/BETA TEST ASSEMBLY/);
  assert.equal(structure.molecules.get("E"), "LOOP WITH SELENOCYSTEINE");
  const chainA = structure.models[0].chains.find((chain) => chain.id === "A")!;
  const mse = chainA.residues.find((residue) => residue.name === "MSE")!;
  assert.ok(mse.hetero && mse.atoms.some((atom) => atom.element === "SE"));
  // Two alternate locations of one Cβ: the one with occupancy 0.60 is kept.
  const text = await readStructureFile("complex.pdb");
  assert.equal(text.split("\n").filter((line) => /^ATOM.{12}[AB]/.test(line)).length, 2);
  const withAltloc = chainA.residues.find((residue) => residue.atoms.some((a) => a.altloc !== ""))!;
  assert.deepEqual(
    withAltloc.atoms.filter((a) => a.name === "CB").map((a) => [a.altloc, a.occupancy]),
    [["A", 0.6]],
  );
  const chainB = structure.models[0].chains.find((chain) => chain.id === "B")!;
  assert.ok(chainB.residues.some((residue) => residue.insertion === "A"));
  const analysis = analyzeStructure(structure);
  const a = analysis.chains.find((chain) => chain.chain === "A")!;
  assert.equal(a.ligands, 1, "the sulfate");
  assert.equal(a.waters, 5);
  // The missing residue 17 breaks the helix: a break, two helices.
  assert.match(a.secondaryStructure, /^C*H+C+H+C*$/);
  assert.equal(analysis.residues.find((r) => r.name === "SEC")!.letter, "U");
});

Deno.test("DSSP from hydrogen bonds: an ideal α-helix is H except its ends", () => {
  const helix = analyzeStructure(
    parseStructure(peptideToPdb(buildPeptide("A".repeat(30), { phi: -57, psi: -47 })), "pdb"),
  );
  assert.equal(helix.residues.map((r) => r.dssp).join(""), "-" + "H".repeat(28) + "-");
  const strand = analyzeStructure(
    parseStructure(peptideToPdb(buildPeptide("V".repeat(12), { phi: -139, psi: 135 })), "pdb"),
  );
  assert.ok(
    strand.residues.every((r) => r.secondaryStructure === "C"),
    "a lone strand has no partner",
  );
});

Deno.test("PDB reading names the line of unreadable records", () => {
  assert.throws(
    () =>
      parsePdb("ATOM      1  CA  GLY A   1       0.000   zero    0.000  1.00  0.00           C\n"),
    (error: unknown) =>
      error instanceof StructureFormatError &&
      /line 1: the y coordinate "zero" \(columns 39–46\) is not a number/.test(error.message),
  );
  assert.throws(() => parsePdb("HEADER    NOTHING HERE\nEND\n"), /no ATOM or HETATM records/);
  const scan = scanPdb(
    "MODEL        1\nATOM      1  CA  GLY A   1       0.000   0.000   0.000  1.00  0.00           C\n" +
      "ENDMDL\nMODEL        2\nATOM      1  CA  GLY A   1       0.000   0.000   0.000  1.00  0.00           C\nENDMDL\n",
  );
  assert.deepEqual(scan, { atoms: 2, models: 2, chains: 1, alphaCarbons: 1, problems: [] });
});

Deno.test("the CIF tokenizer handles quotes, text fields, null values and reports errors", () => {
  const [block] = parseCif(
    "data_test\n# comment\n_struct.title 'It''s \"quoted\" text'\n_entry.id ?\n" +
      "loop_\n_x.a\n_x.b\n_x.c\n1 'two words' .\n2 \"it's\" ?\n3\n;multi\nline\n;\nlast\n",
  );
  assert.equal(block.name, "test");
  assert.deepEqual(block.categories.get("struct")!.rows, [["It''s \"quoted\" text"]]);
  assert.deepEqual(block.categories.get("entry")!.rows, [[null]]);
  assert.deepEqual(block.categories.get("x")!.rows, [
    ["1", "two words", null],
    ["2", "it's", null],
    ["3", "multi\nline", "last"],
  ]);
  assert.throws(
    () => parseCif("data_x\nloop_\n_a.b\n_a.c\n1 2 3\n"),
    /3 values, not a multiple of its 2 columns/,
  );
  assert.throws(
    () => parseCif("data_x\n_a.b 'never closed\n"),
    /line 2: quoted value never closes/,
  );
  assert.throws(() => parseCif("_a.b 1\n"), /before the first "data_" block/);
  assert.deepEqual(scanMmcif("just text").problems, ['no "data_" block: this is not mmCIF']);
});

// ---------------------------------------------------------------- through the sandbox

function structureInput(content: string, format = "pdb", id = "s1", label?: string) {
  return {
    id,
    slotId: "structure",
    kind: "structure",
    format,
    content,
    source: { type: "text" as const },
    ...(label ? { label } : {}),
  };
}

Deno.test("structure-analysis tool: per-chain records, residues, contact map and files", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const pdb = await readStructureFile("complex.pdb");
  const cif = await readStructureFile("complex.cif");
  const request = {
    tool: "structure-analysis",
    name: "complex",
    input: {
      inputs: [structureInput(pdb, "pdb", "s1", "complex (PDB)"), structureInput(cif, "cif", "s2")],
    },
    settings: { contact_cutoff: 8, min_separation: 3 },
  };
  const quote = await piq.jobs.quote(request);
  assert.deepEqual(quote.blocking_errors, []);
  assert.equal(quote.estimated_credits, 1 + Math.ceil(66 * 2 * 0.01), "per residue: 132 Cα");
  const job = await piq.jobs.submit(request);
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  const records = result.records;
  assert.deepEqual(
    records.filter((row) => row.structure === "complex (PDB)").map((row) => row.chain),
    ["A", "B", "C", "D", "E"],
  );
  const reference = FIXTURES.files["complex.pdb"];
  const chainB = records.find((row) => row.structure === "complex (PDB)" && row.chain === "B")!;
  const strandsOfB = reference.residues.filter((r) => r.chain === "B" && /[EB]/.test(r.dssp!));
  close(chainB.strand_percent as number, (100 * strandsOfB.length) / 9, 1e-9, "strand %");
  const results = result.data.results as Record<string, unknown[]>;
  const residues = results.residues as Record<string, unknown>[];
  assert.equal(residues.length, 2 * reference.residues.length);
  residues.slice(0, reference.residues.length).forEach((row, index) => {
    assert.equal(row.dssp, reference.residues[index].dssp);
    close(row.phi as number | null, reference.residues[index].phi, ANGLE_TOLERANCE, "φ");
  });
  const [map] = results.contact_maps as { labels: string[]; pairs: [number, number, number][] }[];
  assert.equal(map.labels.length, reference.residues.length);
  assert.equal(map.pairs.length, reference.contacts.length);
  const [summary] = results.structures as Record<string, number>[];
  close(summary.radius_of_gyration, reference.radius_of_gyration, DISTANCE_TOLERANCE, "Rg");
  const dir = await Deno.makeTempDir();
  const csv = await Deno.readTextFile((await result.download("residues.csv", { dir })).path);
  assert.equal(
    csv.split("\r\n")[0],
    "structure,chain,number,insertion,name,letter,b_factor,ca_b_factor,phi,psi,dssp,secondary_structure,contacts",
  );
  assert.equal(csv.trim().split("\r\n").length, 1 + 2 * reference.residues.length);
  const contacts = await Deno.readTextFile((await result.download("contacts.csv", { dir })).path);
  assert.match(contacts, /^structure,residue_1,residue_2,distance\r\ncomplex \(PDB\),A:/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("structure tools refuse bad structures in quotes and with 400 on submit", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const cif = await readStructureFile("complex.cif");
  const quote = await piq.jobs.quote({
    tool: "structure-analysis",
    input: {
      inputs: [
        structureInput(cif, "pdb", "wrong", "my model"),
        structureInput(
          "ATOM      1  CA  GLY A   1       0.000   0.000   0.0x0  1.00  0.00\n",
          "pdb",
          "bad",
        ),
        structureInput("HELLO", "cif", "junk"),
      ],
    },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => [e.path, e.message]), [
    [
      "input.inputs[0].content",
      'structure "my model" looks like mmCIF, not PDB; send it with format "cif"',
    ],
    [
      "input.inputs[1].content",
      'structure "bad": line 1: the z coordinate "0.0x0" (columns 47–54) is not a number',
    ],
    ["input.inputs[2].content", 'structure "junk": no "data_" block: this is not mmCIF'],
  ]);
  const big = peptideToPdb(buildPeptide("A".repeat(1000), { phi: -57, psi: -47 }));
  const many = Array.from({ length: 6 }, (_, k) => big.replaceAll(" A ", ` ${"ABCDEF"[k]} `)).join(
    "",
  );
  const tooLarge = await piq.jobs.quote({
    tool: "structure-analysis",
    input: { inputs: [structureInput(many)] },
  });
  assert.match(
    tooLarge.blocking_errors[0].message,
    /has 6,000 residues \(Cα atoms\) in its first model; at most 5,000/,
  );
  await assert.rejects(
    () =>
      piq.jobs.submit({
        tool: "structure-analysis",
        name: "bad",
        input: { inputs: [structureInput("HELLO", "cif")] },
      }, { validate: false }),
    (error: unknown) =>
      error instanceof ValidationError && error.status === 400 &&
      error.issues.some((issue) => /no "data_" block/.test(issue.message)),
  );
});

Deno.test("pdb-to-fasta tool: SEQRES and ATOM sequences, chain filter, mmCIF, FASTA file", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const pdb = await readStructureFile("complex.pdb");
  const reference = FIXTURES.files["complex.pdb"];
  const run = async (
    settings: Record<string, string | number | boolean>,
    inputs = [structureInput(pdb)],
  ) => {
    const job = await piq.jobs.submit({
      tool: "pdb-to-fasta",
      name: "seq",
      input: { inputs },
      settings,
    });
    await job.wait({ display: false });
    assert.equal(job.status, "COMPLETED", job.error ?? "");
    return await job.result();
  };
  const seqres = await run({ source: "seqres" });
  assert.deepEqual(
    Object.fromEntries(seqres.records.map((row) => [row.chain, row.sequence])),
    reference.seqres,
  );
  assert.equal(seqres.records[0].id, "9XYZ:A");
  assert.equal(seqres.records[0].molecule, "DESIGNED HELIX");
  const atom = await run({ source: "atom", chains: "A, E", line_width: 10 });
  assert.deepEqual(atom.records.map((row) => [row.chain, row.sequence]), [
    ["A", reference.atom_sequences.A],
    ["E", reference.atom_sequences.E],
  ]);
  assert.equal(atom.records[0].start, 3);
  const dir = await Deno.makeTempDir();
  const fasta = await Deno.readTextFile((await atom.download("sequences.fasta", { dir })).path);
  assert.ok(
    fasta.startsWith(
      ">9XYZ:A mol:protein DESIGNED HELIX length:23 source:atom\nSPEELLKKAE\nELLKXAEELM\nKKG\n",
    ),
    fasta,
  );
  await Deno.remove(dir, { recursive: true });
  const cif = await run({ source: "auto" }, [
    structureInput(await readStructureFile("complex.cif"), "mmcif"),
  ]);
  assert.deepEqual(
    Object.fromEntries(cif.records.map((r) => [r.chain, r.sequence])),
    reference.seqres,
  );
  const helixOnly = peptideToPdb(buildPeptide("MKV", { phi: -57, psi: -47 })).replace(
    /^SEQRES.*\n/gm,
    "",
  );
  const auto = await run({ source: "auto" }, [structureInput(helixOnly)]);
  assert.deepEqual(auto.records.map((r) => [r.source, r.sequence]), [["atom", "MKV"]]);
  const quote = await piq.jobs.quote({
    tool: "pdb-to-fasta",
    input: { inputs: [structureInput(helixOnly, "pdb", "model", "predicted model")] },
    settings: { source: "seqres", chains: "A;B" },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => e.message), [
    '"chains" must be chain ids separated by commas, e.g. "A,B", not "A;B"',
  ]);
  const noSeqres = await piq.jobs.quote({
    tool: "pdb-to-fasta",
    input: { inputs: [structureInput(helixOnly, "pdb", "model", "predicted model")] },
    settings: { source: "seqres" },
  });
  assert.deepEqual(noSeqres.blocking_errors.map((e) => e.message), [
    'structure "predicted model" has no SEQRES records; use "source": "atom" (or "auto")',
  ]);
});
