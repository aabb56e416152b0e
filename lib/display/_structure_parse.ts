/**
 * Reading macromolecular structures (PDB and mmCIF text) into atoms — just what the structure
 * display needs: coordinates, names, residues, chains, B-factors (pLDDT in predicted
 * models), models, and the title lines. Everything read from the file is untrusted text.
 * @module
 */

/** One atom record, as the structure display reads it. */
export interface Atom {
  /** Atom name without padding, e.g. `CA`. */
  name: string;
  /** Alternate location indicator, empty when none. */
  altLoc: string;
  /** Residue name, e.g. `ALA`, `HOH`. */
  resName: string;
  /** Chain id (mmCIF: the author chain id when given), empty when none. */
  chain: string;
  /** Author residue number. */
  resSeq: number;
  /** Insertion code, empty when none. */
  iCode: string;
  /** x coordinate, Å. */
  x: number;
  /** y coordinate, Å. */
  y: number;
  /** z coordinate, Å. */
  z: number;
  /** Occupancy, 0–1 (1 when the file leaves it out). */
  occupancy: number;
  /** B-factor, Å² (pLDDT in predicted models); 0 when the file leaves it out. */
  b: number;
  /** Element symbol, capitalised as in the periodic table, e.g. `C`, `Fe`. */
  element: string;
  /** From a HETATM record (ligands, waters, modified residues). */
  hetero: boolean;
  /** Model number (1 when the file has no MODEL records). */
  model: number;
}

/** A parsed structure. */
export interface ParsedStructure {
  /** The format the text was read as. */
  format: "pdb" | "mmcif";
  /** Title from HEADER/TITLE (PDB) or `_struct.title` (mmCIF); may be empty. */
  title: string;
  /** Identifier (PDB id code or `_entry.id`), may be empty. */
  id: string;
  /** Every atom record of every model, in file order. */
  atoms: Atom[];
  /** Model numbers in file order. */
  models: number[];
  /** Whether the file says it is a predicted model whose B-factor column holds pLDDT. */
  predicted: boolean;
}

/** Whether text looks like mmCIF (else PDB). */
export function detectFormat(text: string): "pdb" | "mmcif" {
  const head = text.slice(0, 20_000);
  if (/^data_/m.test(head) && /^_atom_site\./m.test(text)) return "mmcif";
  if (/^data_/m.test(head) && !/^(ATOM {2}|HETATM)/m.test(head)) return "mmcif";
  return "pdb";
}

/** Parse PDB or mmCIF text (format detected unless given). */
export function parseStructure(text: string, format?: "pdb" | "mmcif"): ParsedStructure {
  const kind = format ?? detectFormat(text);
  return kind === "mmcif" ? parseMmcif(text) : parsePdb(text);
}

const PREDICTION_MARK =
  /ALPHAFOLD|ESMFOLD|COLABFOLD|OPENFOLD|PLDDT|PREDICTED|ROSETTAFOLD|BOLTZ|CHAI-1/i;

function elementOf(name: string, given: string): string {
  const element = given.trim();
  if (element) {
    return element.length > 1
      ? element[0].toUpperCase() + element.slice(1).toLowerCase()
      : element.toUpperCase();
  }
  const letters = name.trim().replace(/[^A-Za-z]/g, "");
  return letters ? letters[0].toUpperCase() : "";
}

/** Parse PDB text: ATOM/HETATM, MODEL, HEADER, TITLE and REMARK lines. */
export function parsePdb(text: string): ParsedStructure {
  const atoms: Atom[] = [];
  const models: number[] = [];
  let model = 1;
  let sawModel = false;
  let id = "";
  const titleParts: string[] = [];
  let header = "";
  let predicted = false;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const record = line.slice(0, 6);
    if (record === "ATOM  " || record === "HETATM") {
      if (models.length === 0 || models[models.length - 1] !== model) {
        if (!models.includes(model)) models.push(model);
      }
      const x = Number(line.slice(30, 38));
      const y = Number(line.slice(38, 46));
      const z = Number(line.slice(46, 54));
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
      const name = line.slice(12, 16).trim();
      const occupancyText = line.slice(54, 60).trim();
      const bText = line.slice(60, 66).trim();
      atoms.push({
        name,
        altLoc: line.slice(16, 17).trim(),
        resName: line.slice(17, 20).trim(),
        chain: line.slice(21, 22).trim(),
        resSeq: Number.parseInt(line.slice(22, 26), 10) || 0,
        iCode: line.slice(26, 27).trim(),
        x,
        y,
        z,
        occupancy: occupancyText ? Number(occupancyText) : 1,
        b: bText ? Number(bText) || 0 : 0,
        element: elementOf(name, line.slice(76, 78)),
        hetero: record === "HETATM",
        model,
      });
    } else if (record === "MODEL ") {
      const number = Number.parseInt(line.slice(10, 14), 10);
      model = Number.isFinite(number) ? number : (sawModel ? model + 1 : 1);
      sawModel = true;
    } else if (record === "HEADER") {
      header = line.slice(10, 50).trim();
      id = line.slice(62, 66).trim();
      if (PREDICTION_MARK.test(line)) predicted = true;
    } else if (record === "TITLE ") {
      titleParts.push(line.slice(10).trim());
      if (PREDICTION_MARK.test(line)) predicted = true;
    } else if (record === "REMARK" || record === "EXPDTA" || record === "AUTHOR") {
      if (PREDICTION_MARK.test(line)) predicted = true;
    } else if (record === "END   " || line === "END") {
      // Some writers put END between models; keep reading.
    }
  }
  const title = titleParts.join(" ").replace(/\s+/g, " ").trim() || header;
  return { format: "pdb", title, id, atoms, models: models.length ? models : [1], predicted };
}

/** Tokens of one mmCIF data line (quoted values may hold spaces). */
function cifTokens(line: string): string[] {
  const tokens: string[] = [];
  const pattern = /'((?:[^']|'(?!\s|$))*)'(?=\s|$)|"((?:[^"]|"(?!\s|$))*)"(?=\s|$)|(\S+)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(line)) !== null) {
    tokens.push(match[1] ?? match[2] ?? match[3]);
  }
  return tokens;
}

/** Parse mmCIF text: the `_atom_site` loop, `_struct.title`, `_entry.id`. */
export function parseMmcif(text: string): ParsedStructure {
  const lines = text.split(/\r?\n/);
  const atoms: Atom[] = [];
  const models: number[] = [];
  let title = "";
  let id = "";
  let predicted = /_ma_qa_metric|PLDDT|ALPHAFOLD|ESMFOLD/i.test(text.slice(0, 200_000));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("_struct.title")) {
      let value = line.slice("_struct.title".length).trim();
      if (!value && lines[i + 1]?.startsWith(";")) {
        const parts = [lines[i + 1].slice(1)];
        for (let j = i + 2; j < lines.length && !lines[j].startsWith(";"); j++) {
          parts.push(lines[j]);
        }
        value = parts.join(" ");
      } else if (!value) value = lines[i + 1] ?? "";
      title = cifTokens(value).join(" ") || value.trim();
      if (PREDICTION_MARK.test(title)) predicted = true;
    } else if (line.startsWith("_entry.id")) {
      id = cifTokens(line.slice("_entry.id".length))[0] ?? "";
    } else if (line.trim() === "loop_" && lines[i + 1]?.startsWith("_atom_site.")) {
      const tags: string[] = [];
      let j = i + 1;
      while (j < lines.length && lines[j].startsWith("_atom_site.")) {
        tags.push(lines[j].trim().slice("_atom_site.".length));
        j++;
      }
      const col = (name: string) => tags.indexOf(name);
      const c = {
        group: col("group_PDB"),
        element: col("type_symbol"),
        atom: col("auth_atom_id") >= 0 ? col("auth_atom_id") : col("label_atom_id"),
        alt: col("label_alt_id"),
        resName: col("auth_comp_id") >= 0 ? col("auth_comp_id") : col("label_comp_id"),
        chain: col("auth_asym_id") >= 0 ? col("auth_asym_id") : col("label_asym_id"),
        seq: col("auth_seq_id") >= 0 ? col("auth_seq_id") : col("label_seq_id"),
        iCode: col("pdbx_PDB_ins_code"),
        x: col("Cartn_x"),
        y: col("Cartn_y"),
        z: col("Cartn_z"),
        occupancy: col("occupancy"),
        b: col("B_iso_or_equiv"),
        model: col("pdbx_PDB_model_num"),
      };
      const value = (tokens: string[], index: number) => {
        if (index < 0) return "";
        const token = tokens[index] ?? "";
        return token === "?" || token === "." ? "" : token;
      };
      let pending: string[] = [];
      for (; j < lines.length; j++) {
        const row = lines[j];
        if (
          row.startsWith("_") || row.startsWith("loop_") || row.startsWith("#") ||
          row.startsWith("data_")
        ) break;
        if (!row.trim()) continue;
        pending = pending.concat(cifTokens(row));
        if (pending.length < tags.length) continue;
        const tokens = pending;
        pending = [];
        const x = Number(value(tokens, c.x));
        const y = Number(value(tokens, c.y));
        const z = Number(value(tokens, c.z));
        if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) continue;
        const model = Number(value(tokens, c.model)) || 1;
        if (!models.includes(model)) models.push(model);
        const name = value(tokens, c.atom);
        atoms.push({
          name,
          altLoc: value(tokens, c.alt),
          resName: value(tokens, c.resName),
          chain: value(tokens, c.chain),
          resSeq: Number.parseInt(value(tokens, c.seq), 10) || 0,
          iCode: value(tokens, c.iCode),
          x,
          y,
          z,
          occupancy: value(tokens, c.occupancy) ? Number(value(tokens, c.occupancy)) : 1,
          b: Number(value(tokens, c.b)) || 0,
          element: elementOf(name, value(tokens, c.element)),
          hetero: value(tokens, c.group) === "HETATM",
          model,
        });
      }
      i = j - 1;
    }
  }
  return { format: "mmcif", title, id, atoms, models: models.length ? models : [1], predicted };
}

const WATER = new Set(["HOH", "WAT", "H2O", "DOD", "TIP", "TIP3", "SOL"]);

/** Whether an atom belongs to a water molecule. */
export function isWater(atom: Atom): boolean {
  return WATER.has(atom.resName.toUpperCase());
}

const NUCLEOTIDES = new Set(["A", "C", "G", "U", "T", "I", "DA", "DC", "DG", "DT", "DU", "DI"]);

/** The atom a backbone trace goes through for this residue, or undefined. */
export function isTraceAtom(atom: Atom): boolean {
  if (atom.hetero && atom.resName !== "MSE") return false;
  if (atom.name === "CA" && atom.element !== "Ca") return true;
  return NUCLEOTIDES.has(atom.resName.toUpperCase()) && atom.name === "P";
}

const BACKBONE = new Set([
  "N",
  "CA",
  "C",
  "O",
  "OXT",
  "P",
  "OP1",
  "OP2",
  "O5'",
  "C5'",
  "C4'",
  "C3'",
  "O3'",
  "C1'",
]);

/** Whether an atom is on the polymer backbone (what a cartoon needs). */
export function isBackboneAtom(atom: Atom): boolean {
  return BACKBONE.has(atom.name);
}
