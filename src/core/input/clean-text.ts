import { z } from 'zod';

// Zero-width (U+200B-U+200D, U+2060, U+FEFF) and bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069):
// invisible, so two names that differ only by them look the same to a reader.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A name as stored and compared: NFC, without zero-width or bidi control characters. */
export function cleanText(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE, '');
}

/**
 * The one preprocessor every input schema puts before a name-like string (AI system and course
 * names, release versions, metric and dataset names): cleaned before length, emptiness and uniqueness.
 */
export function cleaned<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === 'string' ? cleanText(value) : value), schema);
}
