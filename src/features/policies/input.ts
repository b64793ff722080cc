import { z } from 'zod';
import { calendarDate } from '../../core/input/calendar-date.ts';
import { cleaned } from '../../core/input/clean-text.ts';
import { AUDIENCE_ROLES, MAX_POLICY_TEXT } from './domain.ts';

/** An absolute http(s) address: the only links a policy may carry (no javascript:, mailto: or file:). */
function isWebLink(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const text = (label: string, max: number) =>
  cleaned(
    z
      .string({ error: `${label} is required.` })
      .trim()
      .min(1, `${label} is required.`)
      .max(max, `${label} can be at most ${max} characters.`),
  );

const optional = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((value) => (value ? value : null));

/** A version of a policy, from the form on both platforms: a new policy's v1, or the next version of one that exists. */
export const policyVersionInputSchema = z
  .object({
    name: text('Policy', 100),
    title: text('Title', 150),
    effectiveDate: calendarDate('Give the date it takes effect.', 'Give the date it takes effect as YYYY-MM-DD.'),
    link: optional(2000, 'The link can be at most 2000 characters.').refine(
      (link) => link === null || isWebLink(link),
      'The link must be a web address starting with http:// or https://.',
    ),
    text: optional(
      MAX_POLICY_TEXT,
      `The text can be at most ${MAX_POLICY_TEXT.toLocaleString('en')} characters: link to a longer document.`,
    ),
    changes: text('What changed', 1000),
    audience: z
      .array(z.string())
      .default([])
      .superRefine((values, ctx) => {
        const unknown = values.filter((v) => v !== 'everyone' && !(AUDIENCE_ROLES as readonly string[]).includes(v));
        if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `Choose everyone or roles (${AUDIENCE_ROLES.join(', ')}).` });
      }),
  })
  .superRefine((input, ctx) => {
    if (input.link === null && input.text === null)
      ctx.addIssue({ code: 'custom', path: ['link'], message: 'Give a link to the policy or its text.' });
  });

export type PolicyVersionInput = z.output<typeof policyVersionInputSchema>;
