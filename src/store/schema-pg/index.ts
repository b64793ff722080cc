// The PostgreSQL twin of ../schema/index.ts: the same exports in the same order; test/store/schema-parity.test.ts
// fails when the two differ.
export * from './audit.ts';
export * from './dedupe.ts';
export * from './directory.ts';
export * from './jobs.ts';
export * from './settings.ts';
export * from './anchors.ts';
export * from './outbox.ts';
export * from './posted-messages.ts';
