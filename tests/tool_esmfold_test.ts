/**
 * The sandbox's `esmfold` stand-in: the Chou–Fasman rules on sequences whose answer a reader
 * can check by hand, the confidence as the prediction's own margin, the sketched backbone
 * checked geometrically (φ/ψ of each state read back from the PDB text, DSSP on the built
 * helices, B-factors = confidence), the documented contract through the sandbox (slot, price,
 * `prediction.pdb`, results), the stand-in notice everywhere, and the structure view
 * colouring the output by pLDDT with its legend.
 */
import assert from "node:assert/strict";
import { connect, structureView } from "../mod.ts";
import { predictSecondaryStructure } from "../lib/bio/secondary_structure.ts";
import { CHOU_FASMAN } from "../lib/bio/_chou_fasman_data.ts";
import { sketchFold } from "../lib/bio/structure/fold_sketch.ts";
import { analyzeStructure, parseStructure } from "../lib/bio/structure/analysis.ts";
import { dihedral } from "../lib/bio/structure/geometry.ts";
import { findAtom } from "../lib/bio/structure/model.ts";
import { esmfoldTool } from "../lib/sandbox/tools/esmfold.ts";
import { startSandbox } from "../lib/sandbox/mod.ts";
import { caller, expectOk, proteinItem } from "./sandbox_helpers.ts";
import { ROUTES } from "../lib/contract/routes.ts";
import { ToolDetail } from "../lib/contract/tools.ts";

const LYSOZYME = "KVFGRCELAAAMKRHGLDNYRGYSLGNWVCAAKFESNFNTQATNRNTDGSTDYGILQINSRWWCNDGRT" +
  "PGSRNLCNIPCSALLSSDITASVNCAKKIVSDGNGMNAWVAWRNRCKGTDVQAWIRGCRL";

function angleDifference(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return d > 180 ? 360 - d : d;
}

Deno.test("Chou–Fasman: helix, strand and turn rules on sequences checked by hand", () => {
  // Strong helix formers only (E, A, L, K, M: Pα ≥ 1.16) → one helix end to end.
  assert.equal(predictSecondaryStructure("AEELLKKAEELLKKM").states, "H".repeat(15));
  // Strong strand formers (V, I, Y: Pβ ≥ 1.47) → one strand.
  assert.equal(predictSecondaryStructure("VIVYVIVY").states, "E".repeat(8));
  // Glycine, proline, asparagine, serine: no nucleus of either → coil.
  assert.equal(predictSecondaryStructure("GPNGSPDG").states, "C".repeat(8));
  // N-P-D-G: p(t) = 0.161 · 0.301 · 0.179 · 0.152 = 1.3e-3 > 7.5e-5, ⟨Pt⟩ 1.53 > ⟨Pα⟩, ⟨Pβ⟩.
  const hairpin = predictSecondaryStructure("VIVYVIVNPDGVIVYVIV");
  // P-D-G-V too: p(t) = 0.102 · 0.110 · 0.190 · 0.053 = 1.1e-4, ⟨Pt⟩ 1.26 > ⟨Pβ⟩ 0.89, ⟨Pα⟩ 0.80.
  assert.deepEqual(hairpin.turns, [7, 8]);
  assert.equal(hairpin.states, "EEEEEEECCCCCEEEEEE");
  const bend = ["N", "P", "D", "G"].reduce((p, letter, k) => p * CHOU_FASMAN[letter].bend[k], 1);
  assert.ok(bend > 7.5e-5);
  // Lower case works; unknown letters are refused by name and position.
  assert.equal(predictSecondaryStructure("aeellkkaeell").states, "H".repeat(12));
  assert.throws(() => predictSecondaryStructure("MKXA"), /"X" at position 3/);
  assert.throws(() => predictSecondaryStructure(""), /empty/);
});

Deno.test("the confidence is the margin of each residue's own window posterior", () => {
  const prediction = predictSecondaryStructure(LYSOZYME);
  assert.equal(prediction.confidence.length, LYSOZYME.length);
  prediction.probabilities.forEach((p, i) => {
    assert.ok(Math.abs(p.helix + p.strand + p.coil - 1) < 1e-12, `posteriors sum to 1 at ${i}`);
    const values = { H: p.helix, E: p.strand, C: p.coil };
    const state = prediction.states[i] as "H" | "E" | "C";
    const other = Math.max(
      ...(["H", "E", "C"] as const).filter((s) => s !== state).map((s) => values[s]),
    );
    const expected = Math.min(100, Math.max(0, 50 + 50 * (values[state] - other)));
    assert.ok(Math.abs(prediction.confidence[i] - expected) <= 0.005, `residue ${i + 1}`);
  });
  // A helix of strong formers is predicted with high confidence, a lone ambiguous residue not.
  const strong = predictSecondaryStructure("AEELLKKAEELLKKM");
  assert.ok(strong.confidence.slice(3, 12).every((value) => value > 90), `${strong.confidence}`);
  assert.ok(strong.confidence[0] < strong.confidence[7], "the ends see less of the window");
  assert.ok(prediction.confidence.some((value) => value < 50), "some residues are unsure");
  // Deterministic: the same sequence gives the same numbers.
  assert.deepEqual(predictSecondaryStructure(LYSOZYME), prediction);
});

Deno.test("the sketched backbone has the predicted states' angles and the confidence as B", () => {
  const model = sketchFold("GSAEELLKKAEELLKKAEELLKKNPDGVIVYVIVTV");
  const structure = parseStructure(model.pdb, "pdb");
  const residues = structure.models[0].chains[0].residues;
  assert.equal(residues.length, 36);
  const { states } = model.prediction;
  for (let i = 1; i < residues.length - 1; i++) {
    const at = (k: number, name: string) => findAtom(residues[k], name)!;
    const phi = dihedral(at(i - 1, "C"), at(i, "N"), at(i, "CA"), at(i, "C"));
    const psi = dihedral(at(i, "N"), at(i, "CA"), at(i, "C"), at(i + 1, "N"));
    assert.ok(angleDifference(phi, model.phi[i]) < 1, `φ of residue ${i + 1}`);
    assert.ok(angleDifference(psi, model.psi[i]) < 1, `ψ of residue ${i + 1}`);
    if (states[i] === "H") assert.deepEqual([model.phi[i], model.psi[i]], [-57, -47]);
    if (states[i] === "E") assert.deepEqual([model.phi[i], model.psi[i]], [-139, 135]);
  }
  // B-factor column = confidence, 2 decimals, every atom of the residue.
  residues.forEach((residue, i) => {
    for (const atom of residue.atoms) assert.equal(atom.bFactor, model.prediction.confidence[i]);
  });
  // HELIX / SHEET records of the predicted segments, and DSSP sees the helix that was built.
  const helix = model.segments.find((segment) => segment.kind === "helix")!;
  assert.ok(helix.end - helix.start >= 15, JSON.stringify(model.segments));
  assert.match(model.pdb, /^HELIX {4}1 {3}1 /m);
  assert.match(model.pdb, /^SHEET {4}1 {3}A 1 /m);
  const dssp = analyzeStructure(structure).chains[0].secondaryStructure;
  const inner = dssp.slice(helix.start + 1, helix.end - 2);
  assert.ok([...inner].filter((code) => code === "H").length >= inner.length - 2, dssp);
  // Centred on the origin.
  const atoms = residues.flatMap((residue) => residue.atoms);
  const mean = atoms.reduce((sum, atom) => sum + atom.x + atom.y + atom.z, 0) / atoms.length;
  assert.ok(Math.abs(mean) < 0.01);
  // A strand that never turns cannot be written in PDB columns: a clear error, not garbage.
  assert.throws(() => sketchFold("V".repeat(1000)), /more than PDB coordinates hold/);
});

Deno.test("esmfold through the sandbox: documented contract, stand-in notice, pLDDT view", async () => {
  await using piq = await connect({
    sandbox: { database: ":memory:", pace: "instant" },
    quiet: true,
  });
  const detail = ToolDetail.parse(await piq.tools.get("esmfold"));
  assert.equal(detail.name, "ESMFold");
  assert.equal(detail.category, "folding");
  assert.deepEqual(detail.tags, ["protein", "structure"]);
  assert.match(detail.description, /^Predict protein structure from sequence/);
  assert.match(detail.description, /stand-in .*not ESMFold.*Chou–Fasman/s);
  assert.match(String(detail.stand_in), /^Sandbox stand-in, not ESMFold/);
  assert.deepEqual(
    detail.input.slots.map((slot) => [slot.id, slot.kind, slot.formats, slot.max_items]),
    [["protein", "protein", ["fasta"], 1]],
  );
  assert.deepEqual(detail.output.files.map((file) => [file.name, file.content_type]), [
    ["prediction.pdb", "chemical/x-pdb"],
  ]);
  assert.equal(detail.credit_model.type, "fixed");
  const request = {
    tool: "esmfold",
    name: "Lysozyme ESMFold run",
    input: (await piq.inputs("esmfold")).fasta(`>lysozyme\n${LYSOZYME}`).build(),
    settings: {},
  };
  const quote = await piq.jobs.quote(request);
  assert.equal(quote.estimated_credits, 50);
  assert.equal(quote.billing.mode, "fixed");
  const job = await piq.jobs.submit(request);
  await job.wait({ display: false });
  assert.equal(job.status, "COMPLETED");
  assert.equal(job.credits_used, 50);
  const result = await job.result();
  const results = result.results as Record<string, unknown>;
  assert.equal(results.length, LYSOZYME.length);
  assert.equal(results.sequence, LYSOZYME);
  const plddt = results.plddt as number[];
  assert.deepEqual(plddt, predictSecondaryStructure(LYSOZYME).confidence);
  const mean = plddt.reduce((sum, value) => sum + value, 0) / plddt.length;
  assert.ok(Math.abs(Number(results.mean_plddt) - mean) < 1e-9);
  assert.match(String(results.note), /^Sandbox stand-in, not ESMFold/);
  assert.match(String(results.method), /Chou-Fasman/);
  const [row] = result.records;
  assert.equal(row.length, LYSOZYME.length);
  assert.match(String(row.method), /sandbox stand-in for ESMFold/);
  assert.ok(
    Math.abs(
      Number(row.helix_percent) + Number(row.strand_percent) + Number(row.coil_percent) -
        100,
    ) < 1e-9,
  );
  const pdb = await result.text("prediction.pdb");
  assert.match(pdb, /REMARK 250 PROTEINIQ SANDBOX STAND-IN FOR ESMFOLD - NOT AN ESMFOLD/);
  assert.match(pdb, /REMARK 250 Secondary structure: Chou-Fasman/);

  // The structure view reads it as a predicted model and colours by pLDDT, with the legend.
  const view = await structureView(result);
  assert.equal(view.coloring, "plddt");
  const bundle = await view.bundle();
  const markup = String(bundle["text/html"]);
  assert.match(markup, /pLDDT/);
  for (const label of ["very high (pLDDT &gt; 90)", "confident (70–90)", "low (50–70)"]) {
    assert.ok(markup.includes(label), `legend shows ${label}`);
  }
});

Deno.test("esmfold refuses what it cannot model, naming the problem", async () => {
  await using sandbox = await startSandbox({ database: ":memory:", pace: "instant" });
  const call = caller(sandbox.url, sandbox.apiKey);
  const quote = async (content: string) =>
    expectOk(
      await call("POST", "/api/v1/jobs/quote", {
        body: { tool: "esmfold", input: { inputs: [proteinItem(content)] } },
      }),
      ROUTES.quoteJob,
    );
  const ambiguous = await quote(">a\nMKXW");
  assert.deepEqual(ambiguous.blocking_errors.map((error) => error.message), [
    'record "a" (line 1): "X" at position 3 is not one of the 20 standard amino acids (the ' +
    "stand-in has no parameters for it)",
  ]);
  assert.equal(ambiguous.estimated_credits, 50, "the fixed price is quoted anyway");
  const two = await quote(">a\nMKW\n>b\nMKW");
  assert.match(two.blocking_errors[0].message, /2 FASTA records; at most 1/);
  const long = await quote(`>a\n${"A".repeat(1001)}`);
  assert.match(long.blocking_errors[0].message, /1,001 residues long; at most 1,000/);
  assert.deepEqual((await quote(`>a\n${LYSOZYME}`)).blocking_errors, []);
  // 700 residues of unbroken strand would reach 1,024 Å from the centre: said at the quote.
  const straight = await quote(`>v\n${"V".repeat(700)}`);
  assert.match(straight.blocking_errors[0].message, /more than PDB coordinates hold/);
  const long400 = await quote(`>l\n${LYSOZYME.repeat(4).slice(0, 400)}`);
  assert.deepEqual(long400.blocking_errors, []);
  // Validation is the tool's own, so the worker never sees such input.
  assert.equal(
    esmfoldTool.validate([{
      id: "x",
      slotId: "protein",
      kind: "protein",
      format: "fasta",
      content: "MKW",
      index: 0,
    }], {}).length,
    0,
  );
});
