/**
 * The peptide builder, checked geometrically on the PDB text it writes (read back with the
 * PDB parser, so the 3-decimal rounding of the file is included): every bond within 0.02 Å
 * and every bond angle within 2° of the ideal values (Engh & Huber), every φ/ψ within 1° of
 * what was asked, ω trans, L-chirality at every Cα; then the secondary structure DSSP assigns
 * to the built helix, and the "Peptide builder" tool through the sandbox.
 */
import assert from "node:assert/strict";
import { connect } from "../mod.ts";
import {
  buildPeptide,
  CONFORMATIONS,
  IDEAL_GEOMETRY,
  peptideToPdb,
} from "../lib/bio/structure/builder.ts";
import { analyzeStructure, parseStructure } from "../lib/bio/structure/analysis.ts";
import {
  angle,
  cross,
  dihedral,
  distance,
  dot,
  subtract,
  type Vec3,
} from "../lib/bio/structure/geometry.ts";
import { findAtom, type Residue } from "../lib/bio/structure/model.ts";

const BOND_TOLERANCE = 0.02; // Å
const ANGLE_TOLERANCE = 2; // degrees
const DIHEDRAL_TOLERANCE = 1; // degrees

function angleDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

/** Check a built peptide read back from its PDB text. */
function checkGeometry(pdb: string, phi: number[], psi: number[], omega = 180) {
  const [chain] = parseStructure(pdb, "pdb").models[0].chains;
  const residues = chain.residues;
  const at = (residue: Residue, name: string): Vec3 => {
    const atom = findAtom(residue, name);
    assert.ok(atom, `${residue.name}${residue.number} has ${name}`);
    return atom;
  };
  const bond = (a: Vec3, b: Vec3, ideal: number, what: string) =>
    assert.ok(
      Math.abs(distance(a, b) - ideal) <= BOND_TOLERANCE,
      `${what}: ${distance(a, b)} vs ${ideal}`,
    );
  const bondAngle = (a: Vec3, b: Vec3, c: Vec3, ideal: number, what: string) =>
    assert.ok(
      Math.abs(angle(a, b, c) - ideal) <= ANGLE_TOLERANCE,
      `${what}: ${angle(a, b, c)} vs ${ideal}`,
    );
  const { bonds, angles } = IDEAL_GEOMETRY;
  residues.forEach((residue, i) => {
    const where = `${residue.name}${residue.number}`;
    const [n, ca, c, o] = ["N", "CA", "C", "O"].map((name) => at(residue, name));
    bond(n, ca, bonds.N_CA, `${where} N–CA`);
    bond(ca, c, bonds.CA_C, `${where} CA–C`);
    bond(c, o, bonds.C_O, `${where} C=O`);
    bondAngle(n, ca, c, angles.N_CA_C, `${where} N–CA–C`);
    bondAngle(ca, c, o, angles.CA_C_O, `${where} CA–C=O`);
    if (residue.name !== "GLY") {
      const cb = at(residue, "CB");
      bond(ca, cb, bonds.CA_CB, `${where} CA–CB`);
      bondAngle(n, ca, cb, angles.N_CA_CB, `${where} N–CA–CB`);
      bondAngle(c, ca, cb, angles.C_CA_CB, `${where} C–CA–CB`);
      // L-amino acid ("CORN" rule): (N−CA)·((C−CA)×(CB−CA)) > 0.
      assert.ok(
        dot(subtract(n, ca), cross(subtract(c, ca), subtract(cb, ca))) > 0,
        `${where} is L`,
      );
    } else {
      assert.equal(findAtom(residue, "CB"), undefined, "glycine has no Cβ");
    }
    const next = residues[i + 1];
    if (next) {
      const nextN = at(next, "N");
      const nextCa = at(next, "CA");
      bond(c, nextN, bonds.C_N, `${where} peptide C–N`);
      bondAngle(ca, c, nextN, angles.CA_C_N, `${where} CA–C–N`);
      bondAngle(o, c, nextN, angles.O_C_N, `${where} O=C–N`);
      bondAngle(c, nextN, nextCa, angles.C_N_CA, `${where} C–N–CA`);
      assert.ok(
        angleDifference(dihedral(n, ca, c, nextN), psi[i]) <= DIHEDRAL_TOLERANCE,
        `${where} ψ`,
      );
      assert.ok(
        angleDifference(dihedral(ca, c, nextN, nextCa), omega) <= DIHEDRAL_TOLERANCE,
        `${where} ω`,
      );
      assert.ok(
        angleDifference(dihedral(c, nextN, nextCa, at(next, "C")), phi[i + 1]) <=
          DIHEDRAL_TOLERANCE,
        `${next.name}${next.number} φ`,
      );
    } else {
      const oxt = at(residue, "OXT");
      bond(c, oxt, bonds.C_OXT, `${where} C–OXT`);
      bondAngle(ca, c, oxt, angles.CA_C_OXT, `${where} CA–C–OXT`);
    }
  });
  return residues;
}

Deno.test("named conformations: ideal bonds and angles, φ/ψ as asked, L residues", () => {
  const sequence = "MKGAVLIPFWYSTCNQDEHRUO";
  for (const [name, { phi, psi }] of Object.entries(CONFORMATIONS)) {
    const pdb = peptideToPdb(buildPeptide(sequence, { phi, psi }));
    const residues = checkGeometry(
      pdb,
      Array(sequence.length).fill(phi),
      Array(sequence.length).fill(psi),
    );
    assert.equal(residues.length, sequence.length, name);
    assert.deepEqual(residues.slice(-2).map((r) => r.name), ["SEC", "PYL"]);
  }
});

Deno.test("per-residue φ/ψ (a pseudo-random walk over the Ramachandran plot) and cis ω", () => {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const sequence = "ACDEFGHIKLMNPQRSTVWY".repeat(2);
  const phi = Array.from({ length: sequence.length }, () => -180 + 360 * random());
  const psi = Array.from({ length: sequence.length }, () => -180 + 360 * random());
  checkGeometry(peptideToPdb(buildPeptide(sequence, { phi, psi })), phi, psi);
  checkGeometry(
    peptideToPdb(buildPeptide("GPGP", { phi: -75, psi: 145, omega: 0 })),
    Array(4).fill(-75),
    Array(4).fill(145),
    0,
  );
  assert.throws(
    () => buildPeptide("AAA", { phi: [-60, -60], psi: -45 }),
    /2 φ angles for 3 residues/,
  );
  assert.throws(
    () => buildPeptide("AXA", { phi: -60, psi: -45 }),
    /"X" at position 2 is not an amino acid the builder knows/,
  );
});

Deno.test("a built α-helix: DSSP assigns H from its own hydrogen bonds, 1.5 Å rise per residue", () => {
  const structure = parseStructure(
    peptideToPdb(buildPeptide("AEAAAKEAAAKEAAAKA", CONFORMATIONS.alpha_helix)),
    "pdb",
  );
  const analysis = analyzeStructure(structure);
  assert.equal(analysis.residues.map((r) => r.dssp).join(""), "-HHHHHHHHHHHHHHH-");
  const alphas = structure.models[0].chains[0].residues.map((r) => findAtom(r, "CA")!);
  const rise = distance(alphas[0], alphas.at(-1)!) / (alphas.length - 1);
  assert.ok(Math.abs(rise - 1.5) < 0.1, `rise ${rise}`);
});

function peptideItem(content: string) {
  return {
    id: "p",
    slotId: "protein",
    kind: "protein",
    format: "fasta",
    content,
    source: { type: "text" as const },
  };
}

Deno.test("peptide-builder tool: PDB files, records, and refusal of bad angles", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const job = await piq.jobs.submit({
    tool: "peptide-builder",
    name: "helix and strand",
    input: { inputs: [peptideItem(">helix designed helix\nAEAAAKEAAAKA\n>second\nGVKV\n")] },
    settings: { conformation: "alpha_helix" },
  });
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  const result = await job.result();
  assert.deepEqual(result.files.map((file) => file.name), [
    "peptide.pdb",
    "helix.pdb",
    "second.pdb",
  ]);
  assert.deepEqual(result.records.map((r) => [r.id, r.length, r.file]), [
    ["helix", 12, "peptide.pdb"],
    ["second", 4, "second.pdb"],
  ]);
  assert.ok(Math.abs((result.records[0].rise_per_residue as number) - 1.5) < 0.1);
  const dir = await Deno.makeTempDir();
  const pdb = await Deno.readTextFile((await result.download("peptide.pdb", { dir })).path);
  assert.match(pdb, /^REMARK 250 Built by the proteiniq sandbox peptide builder/);
  assert.match(pdb, /\nHELIX {4}1 {3}1 ALA A {4}1 {2}ALA A {3}12 {2}1/);
  checkGeometry(pdb, Array(12).fill(-57), Array(12).fill(-47));
  await Deno.remove(dir, { recursive: true });

  const perResidue = await piq.jobs.submit({
    tool: "peptide-builder",
    name: "turn",
    input: { inputs: [peptideItem("GNGK")] },
    settings: { conformation: "per_residue", angles: "-60,-30; 60, 30\n90,0; -120,130" },
  });
  await perResidue.wait({ display: false });
  const turn = await perResidue.result();
  assert.equal(turn.records[0].conformation, "per residue");
  const turnPdb = await Deno.readTextFile(
    (await turn.download("peptide.pdb", { dir: await Deno.makeTempDir() })).path,
  );
  checkGeometry(turnPdb, [-60, 60, 90, -120], [-30, 30, 0, 130]);

  const quote = await piq.jobs.quote({
    tool: "peptide-builder",
    input: { inputs: [peptideItem("GNGK")] },
    settings: { conformation: "per_residue", angles: "-60,-30; 60,30" },
  });
  assert.deepEqual(quote.blocking_errors.map((e) => [e.path, e.message]), [
    [
      "settings.angles",
      'record "seq1" (line 1) has 4 residues but "angles" has 2 φ,ψ pairs; give one pair per residue',
    ],
  ]);
  const outOfRange = await piq.jobs.quote({
    tool: "peptide-builder",
    input: { inputs: [peptideItem("GN")] },
    settings: { conformation: "per_residue", angles: "-60,-30; 200,30" },
  });
  assert.match(
    outOfRange.blocking_errors[0].message,
    /pair 2 \("200,30"\) has an angle outside −180…180°/,
  );
  const ambiguous = await piq.jobs.quote({
    tool: "peptide-builder",
    input: { inputs: [peptideItem("GXG")] },
  });
  assert.match(ambiguous.blocking_errors[0].message, /"X" at position 2 is ambiguous/);
});
