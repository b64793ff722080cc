export * from './ai-systems.ts';
export * from './audit.ts';
export * from './dedupe.ts';
export * from './directory.ts';
export * from './incidents.ts';
export * from './releases.ts';
export * from './settings.ts';
export * from './training.ts';
