export * from './audit.ts';
export * from './dedupe.ts';
export * from './directory.ts';
