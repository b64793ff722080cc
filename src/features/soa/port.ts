import type { SoaDecision, SoaEntry, SoaVersion } from './domain.ts';

/** The repository the SoA service needs; ./store.ts implements it for SQLite and PostgreSQL. */
export interface SoaRepository {
  /** The entries a workspace has stated (controls never edited have none). */
  entries(workspaceId: number): Promise<SoaEntry[]>;
  /** Inserts or replaces the entry of one control. */
  saveEntry(workspaceId: number, entry: SoaEntry & { updatedBy: number; updatedAt: string }): Promise<void>;
  /** Entries edited in [from, to) (ISO instants; open ends unbounded). */
  editedBetween(workspaceId: number, from?: string, to?: string): Promise<number>;
  versions(workspaceId: number): Promise<SoaVersion[]>;
  findVersion(workspaceId: number, id: number): Promise<SoaVersion | undefined>;
  insertVersion(input: Omit<SoaVersion, 'id'>): Promise<SoaVersion>;
  updateVersion(
    workspaceId: number,
    id: number,
    changes: Partial<Pick<SoaVersion, 'status' | 'contentHash' | 'approvedAt'>>,
  ): Promise<void>;
  decisions(versionId: number, activeOnly: boolean): Promise<SoaDecision[]>;
  addDecision(input: Omit<SoaDecision, 'id'>): Promise<SoaDecision>;
  /** Marks the active decisions of a version dropped; returns who had decided. */
  dropDecisions(versionId: number): Promise<number[]>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    soa: SoaRepository;
  }
}
