export * from './audit.ts';
export * from './dedupe.ts';
export * from './directory.ts';
export * from './jobs.ts';
export * from './settings.ts';
export * from './anchors.ts';
export * from './outbox.ts';
export * from './posted-messages.ts';
