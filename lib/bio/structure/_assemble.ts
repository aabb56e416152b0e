/**
 * Assembles parsed atom records into the structure hierarchy with Biopython's rules
 * (residue identity, alternate locations). Shared by the PDB and mmCIF parsers.
 * @module
 */
import { type Atom, type Chain, type Model, type Residue, WATER_NAMES } from "./model.ts";

/** One atom record as a parser reads it. */
export interface AtomRecord {
  hetero: boolean;
  residueName: string;
  chain: string;
  number: number;
  insertion: string;
  atom: Atom;
}

interface ResidueSlot {
  residue: Residue;
  /** Occupancy of the selected altloc of each atom name. */
  occupancies: Map<string, number>;
}

/** Builds models, chains and residues from atom records in file order. */
export class Assembler {
  readonly models: Model[] = [];
  readonly warnings: string[] = [];
  #model: Model | undefined;
  #chains = new Map<string, Chain>();
  #residues = new Map<string, ResidueSlot>();

  /** Start a model with this serial number. */
  startModel(serial: number): void {
    this.#model = { serial, chains: [] };
    this.models.push(this.#model);
    this.#chains = new Map();
    this.#residues = new Map();
  }

  /** Whether any model was started. */
  get started(): boolean {
    return this.#model !== undefined;
  }

  /** Add one atom; `where` names the record in warnings. */
  add(record: AtomRecord, where: string): void {
    if (this.#model === undefined) this.startModel(1);
    let chain = this.#chains.get(record.chain);
    if (chain === undefined) {
      chain = { id: record.chain, residues: [] };
      this.#chains.set(record.chain, chain);
      this.#model!.chains.push(chain);
    }
    const hetFlag = record.hetero
      ? WATER_NAMES.has(record.residueName) ? "W" : `H_${record.residueName}`
      : " ";
    const key = `${record.chain}|${hetFlag}|${record.number}|${record.insertion}`;
    let slot = this.#residues.get(key);
    if (slot === undefined) {
      slot = {
        residue: {
          name: record.residueName,
          number: record.number,
          insertion: record.insertion,
          hetero: record.hetero,
          atoms: [],
        },
        occupancies: new Map(),
      };
      this.#residues.set(key, slot);
      chain.residues.push(slot.residue);
    } else if (slot.residue.name !== record.residueName) {
      // A point mutation modelled as alternate residues; Biopython keeps both, we keep the
      // first so that each residue position is one residue.
      this.warnings.push(
        `${where}: residue ${record.chain}:${record.number}${record.insertion} is both ` +
          `${slot.residue.name} and ${record.residueName}; kept ${slot.residue.name}`,
      );
      return;
    }
    const atom = record.atom;
    const previous = slot.occupancies.get(atom.name);
    if (previous === undefined) {
      slot.residue.atoms.push(atom);
      slot.occupancies.set(atom.name, atom.occupancy);
      return;
    }
    const current = slot.residue.atoms.findIndex((existing) => existing.name === atom.name);
    if (atom.altloc === "" || slot.residue.atoms[current].altloc === "") {
      this.warnings.push(`${where}: duplicate atom ${atom.name} in ${key.replaceAll("|", " ")}`);
      return;
    }
    // Alternate locations: the highest occupancy wins, the first one on ties.
    if (atom.occupancy > previous) {
      slot.residue.atoms[current] = atom;
      slot.occupancies.set(atom.name, atom.occupancy);
    }
  }
}
