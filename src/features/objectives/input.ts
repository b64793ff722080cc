import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { CADENCES, DIRECTIONS, SOURCES } from './domain.ts';

const text = (label: string, max: number) =>
  cleaned(
    z
      .string({ error: `${label} is required.` })
      .trim()
      .min(1, `${label} is required.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );

/** A finite number; what people type ("0.93", "95%", "1,5") is read by `numberFrom` first. */
const number = (message: string) => z.number({ error: message }).refine((value) => Number.isFinite(value), { message });

/** Typed text as a number: "0.93", " 95 % ", "1,5"; NaN for anything else (the schema refuses it at the field), undefined when empty. */
export function numberFrom(value: string | undefined): number | undefined {
  const trimmed = (value ?? '')
    .trim()
    .replace(/\s*%$/, '')
    .replace(/^(-?\d+),(\d+)$/, '$1.$2');
  if (trimmed === '') return undefined;
  return /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** An objective, from the add form on both platforms. */
export const objectiveInputSchema = z.object({
  name: text('Name', 120),
  metric: text('Metric', 200),
  direction: z.enum(DIRECTIONS, { error: 'Choose whether the value must be at least or at most the target.' }),
  target: number('The target must be a number (e.g. 0.92, 95 or 1).'),
  cadence: z.enum(CADENCES, { error: 'Choose how often it is measured.' }),
  source: z.enum(SOURCES, { error: 'Choose where its readings come from.' }).default('recorded'),
  ownerPersonId: z.number({ error: 'Choose the owner.' }).int().positive(),
  aiSystemId: z.number().int().positive().nullable().default(null),
});
export type ObjectiveInput = z.infer<typeof objectiveInputSchema>;

/** A reading, in chat (`objective OBJ-2 record 0.91`) or from a pipeline (POST /api/v1/objectives/{id}/readings). */
export const readingInputSchema = z.object({
  value: number('The value must be a number (e.g. 0.91).'),
  date: calendarDate('Give the day it measures as YYYY-MM-DD.', 'Give the day it measures as YYYY-MM-DD.').optional(),
  note: cleaned(z.string().trim().max(500, 'A note can be at most 500 characters.')).optional(),
});
export type ReadingInput = z.infer<typeof readingInputSchema>;

/** Why a reading missed its target, from the Explain form. */
export const explanationInputSchema = z.object({
  explanation: text('The explanation', 1000),
});
