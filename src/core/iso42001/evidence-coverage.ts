import annexA from './annex-a.json' with { type: 'json' };

/** Kinds of record named in annex-a.json ("incident", "review:drift", ...). */
export type EvidenceKind = string;

interface Requirement {
  id: string;
  title: string;
  evidence: string[];
}

export interface EvidenceCoverage {
  controls: { total: number; covered: string[] };
  clauses: { total: number; covered: string[] };
}

const controls: Requirement[] = annexA.controls;
const clauses: Requirement[] = annexA.clauses;

/** Which Annex A controls and clauses have at least one kind of evidence present in the store. */
export function evidenceCoverage(present: ReadonlySet<EvidenceKind>): EvidenceCoverage {
  const covered = (list: Requirement[]): string[] =>
    list.filter((item) => item.evidence.some((kind) => present.has(kind))).map((item) => item.id);
  return {
    controls: { total: controls.length, covered: covered(controls) },
    clauses: { total: clauses.length, covered: covered(clauses) },
  };
}
