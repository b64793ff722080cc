import type { AiSystemRepository } from '../../core/ports.ts';

// The area adds its repositories to the unit of work's set here; core/ports.ts does not list them.
// (Their interfaces move from core/ports.ts into this file when the area moves in.)
declare module '../../core/ports.ts' {
  interface Repositories {
    aiSystems: AiSystemRepository;
  }
}
