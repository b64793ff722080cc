import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';

const text = (label: string, max: number) =>
  cleaned(
    z
      .string({ error: `${label} is required.` })
      .trim()
      .min(1, `${label} is required.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );

/** Opening a review: its chair, if already known (a leadership role holder; the opener when they hold it). */
export const openInputSchema = z.object({ chairPersonId: z.number().int().positive().optional() });

/** A decision of the review (9.3.3: continual improvement, changes to the AIMS). */
export const decisionInputSchema = z.object({ text: text('The decision', 3000) });

/** An action of the review: what, who, by when (the service refuses a due date in the past). */
export const actionInputSchema = z.object({
  title: text('The action', 300),
  ownerPersonId: z.number({ error: 'Choose who owns the action.' }).int().positive(),
  dueDate: calendarDate('Give a due date.', 'Give the due date as YYYY-MM-DD.'),
});

/** Who attended, and who chairs (a leadership role holder). */
export const attendeesInputSchema = z.object({
  attendeePersonIds: z.array(z.number().int().positive()).min(1, 'Choose who attended.').max(100),
  chairPersonId: z.number({ error: 'Choose the chair.' }).int().positive(),
});

export type DecisionInput = z.output<typeof decisionInputSchema>;
export type ActionInput = z.output<typeof actionInputSchema>;
export type AttendeesInput = z.output<typeof attendeesInputSchema>;
