/** Who was greeted already: one row per (workspace, subject), the unique key decides. */
export interface GreetingRepository {
  /** Records the greeting; false when `subject` was greeted before. */
  claim(workspaceId: number, subject: string, at: string): Promise<boolean>;
}

// The area adds its repository to the unit of work's set here; core/ports.ts does not list it.
declare module '../../core/ports.ts' {
  interface Repositories {
    greetings: GreetingRepository;
  }
}
