import type { Actor } from '../core/actor.ts';
import type { Contact } from '../core/directory-service.ts';
import type { Platform } from '../core/identity.ts';
import type { RecordLabel } from '../core/outbox/outbox.ts';
import type { PostedMessage } from './channel-messenger.ts';
import type { EvidenceSource } from '../core/iso42001/evidence-coverage.ts';
import type { ExportSource } from '../core/export/export-source.ts';
import type { NudgeSource } from '../core/scheduling/nudge-service.ts';
import type { StatusSource } from '../core/status-service.ts';
import type { DigestSource } from '../core/digest/digest-service.ts';
import type { ReviewInputSource } from '../core/management-review/review-inputs.ts';
import type { TrendSource } from '../core/charts/trend-source.ts';
import type { CardPublisher } from './card-publisher.ts';
import type { RequestOrigin } from './chat-request.ts';
import type { ChatServices } from './chat-services.ts';
import type { CommandContext } from './commands/command-context.ts';
import type { OutboxSender } from './outbox-sender.ts';
import type { FormSubmission, FormView } from './views/form.ts';
import type { Block, ChatResponse, FormResult, MessageView } from './views/view.ts';

/**
 * The contract every area of the AIMS signs: one object per area (its `feature.ts`) declares what it
 * adds to the bot. The router, the help, form submission, button dispatch, nudges and Annex A
 * evidence coverage loop over the `features` list (src/features/index.ts) and know no area by name.
 */

/** Who is acting, resolved once per request. */
export interface Identified {
  contact: Contact;
  actor: Actor;
  timeZone: string;
}

/** What a form or a button handler gets: who, where, the services and the senders. */
export interface FeatureContext extends Identified {
  origin: RequestOrigin;
  platform: Platform;
  /** "/aims " on Slack, "aims " on Teams. */
  prefix: string;
  services: ChatServices;
  /** Sends what a change queued, right after it committed. */
  outbox: OutboxSender;
  cards: CardPublisher;
}

/** The tasks the help groups commands by, in the order it lists them. */
export const HELP_GROUPS = ['report', 'approve', 'train', 'review', 'lookup', 'admin'] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

/** A help button: opens a form by its id, or runs a command as if it was typed (`role list`). */
export type HelpButton = { label: string; form: string } | { label: string; command: string };

/** The router's own buttons, available to every view: open a form by id (`{ form }`), run a command (`{ text }`). */
export const ROUTER_ACTIONS = { openForm: 'form.open', runCommand: 'command.run' } as const;

/** A subcommand: the word that routes to it, its line in the help, and its handler. */
export interface CommandSpec {
  word: string;
  /** Other first words that run it (`get` for "get started"); not listed in the help. */
  aliases?: readonly string[];
  /** Shown after the prefix in the full help (`help more`): `review add | list | mine | edit <n> | done <n>`. */
  usage: string;
  summary: string;
  /** The summary on one platform, where what it does differs there (`export`: a DM upload on Slack, a link on Teams). */
  summaryOn?: Partial<Record<Platform, string>>;
  /** The task the grouped help lists it under. */
  group: HelpGroup;
  /** The help's button for it (the form most people want from it). */
  button?: HelpButton;
  /**
   * True when the command, typed with no arguments, only reads: a repeat delivery of it is answered again
   * instead of being looked up among the delivery keys in the store (status).
   */
  changesNothing?: boolean;
  handle(ctx: CommandContext): ChatResponse | Promise<ChatResponse>;
}

/** A form owned by an area: its typed id, how it opens (again, with its context) and what submitting does. */
export interface FormSpec<Id extends string = string> {
  id: Id;
  open(ctx: FeatureContext, context: Record<string, string>): FormView | undefined | Promise<FormView | undefined>;
  submit(ctx: FeatureContext, submission: FormSubmission): FormResult | Promise<FormResult>;
  /** The form field that shows an input schema field's error (`ownerPersonId` -> `owner`); default: the same name. */
  fieldOf?(schemaField: string): string;
}

/** A button owned by an area, re-checked on the server whatever the button looked like. */
export interface ActionSpec<Id extends string = string> {
  id: Id;
  handle(ctx: FeatureContext, args: Record<string, string>): ChatResponse | Promise<ChatResponse>;
}

/**
 * What the outbox sends about one type of an area's records ("incident:12"): rendered from the
 * committed state when it goes out, so a queued message never shows a stale state.
 */
export interface OutboxSubjectSpec {
  /** The subject type in outbox rows: `subjectOf(type, id)`. */
  type: string;
  /** How people name the record in status and `aims jobs list` ("INC-3"). */
  label: RecordLabel;
  /** Its card as it stands now (channel posts and their updates); undefined when the record is gone. */
  card?(services: ChatServices, workspaceId: number, id: number): Promise<MessageView | undefined>;
  /**
   * Told when a card landed in the channel of `purpose` (the outbox already tracks the copy in
   * posted_messages, which every change refreshes): the area audits it.
   */
  recordPost?(services: ChatServices, workspaceId: number, id: number, purpose: string, posted: PostedMessage): Promise<void>;
  /**
   * A message to a person about the record (`notice` names which), as it reads now: sent as a
   * direct message, and rendered again for each refresh of that person's copy (so it shows the
   * true state and only buttons that still make sense). Undefined when there is nothing to say.
   */
  notice?(services: ChatServices, workspaceId: number, id: number, notice: string): Promise<MessageView | undefined>;
}

/**
 * The first-run guide ("Get started"), declared by one area: the chat layer shows it on install, on a
 * person's first home visit and in the status without knowing which area keeps it.
 */
export interface FirstRunSpec {
  /** The first words where the bot was just installed or on a first home visit. */
  greeting: string;
  /** The checklist as a message of its own, led by `intro` when given. */
  view(services: ChatServices, workspaceId: number, platform: Platform, intro?: string): Promise<MessageView>;
  /**
   * How the status opens while the workspace is set up: `empty` when nothing at all is recorded (the
   * status shows `blocks`, the checklist, instead of zeros); otherwise `blocks` is the progress line, if any.
   */
  statusLead(services: ChatServices, workspaceId: number, platform: Platform): Promise<{ empty: boolean; blocks: Block[] }>;
}

/** One area's declaration. Everything but the name is optional. */
export interface Feature {
  /** The area's folder name: `reviews`, `incidents` ... */
  name: string;
  /** In the order the help lists them. */
  commands?: readonly CommandSpec[];
  forms?: readonly FormSpec[];
  actions?: readonly ActionSpec[];
  /** Its section of `/aims status`. */
  status?: StatusSource;
  /** Its lines and overdue items in the weekly digest. */
  digest?: DigestSource;
  /** Items per person for the daily nudge (and what a snooze may name). */
  nudges?: NudgeSource;
  /** The Annex A evidence kinds it records, and how many records of each a workspace has. */
  evidence?: EvidenceSource;
  /** What the outbox posts, updates and sends about its records. */
  outbox?: readonly OutboxSubjectSpec[];
  /** Its rows for `aims <name> export --format csv|xlsx` (one row per record). */
  export?: ExportSource;
  /** The first-run guide (at most one area declares it). */
  firstRun?: FirstRunSpec;
  /** Its lines among a management review's inputs (clause 9.3.2), gathered when a review is opened. */
  reviewInputs?: ReviewInputSource;
  /** Its weekly series in the digest's 12-week trend chart (by key; the same key from two areas adds up). */
  trend?: TrendSource;
}

/** Ids must be unique across the features list: a clash would make one area's form or button unreachable. */
export function indexFeatures(features: readonly Feature[]): {
  commands: Map<string, CommandSpec>;
  forms: Map<string, FormSpec>;
  actions: Map<string, ActionSpec>;
} {
  const commands = new Map<string, CommandSpec>();
  const forms = new Map<string, FormSpec>();
  const actions = new Map<string, ActionSpec>();
  const add = <T>(map: Map<string, T>, what: string, id: string, value: T, owner: string) => {
    if (map.has(id)) throw new Error(`${what} "${id}" is declared twice (again by ${owner})`);
    map.set(id, value);
  };
  for (const feature of features) {
    for (const command of feature.commands ?? []) {
      for (const word of [command.word, ...(command.aliases ?? [])]) add(commands, 'command', word, command, feature.name);
    }
    for (const form of feature.forms ?? []) add(forms, 'form', form.id, form, feature.name);
    for (const action of feature.actions ?? []) add(actions, 'action', action.id, action, feature.name);
  }
  return { commands, forms, actions };
}

/** The evidence sources the features declare, for status coverage. */
export function evidenceSourcesOf(features: readonly Feature[]): EvidenceSource[] {
  return features.flatMap((feature) => (feature.evidence ? [feature.evidence] : []));
}

/** The status sections the features declare, in the order of the list. */
export function statusSourcesOf(features: readonly Feature[]): StatusSource[] {
  return features.flatMap((feature) => (feature.status ? [feature.status] : []));
}

/** The digest contributions the features declare, in the order of the list. */
export function digestSourcesOf(features: readonly Feature[]): DigestSource[] {
  return features.flatMap((feature) => (feature.digest ? [feature.digest] : []));
}

/** The trend series sources the features declare, in the order of the list (the chart's legend order). */
export function trendSourcesOf(features: readonly Feature[]): TrendSource[] {
  return features.flatMap((feature) => (feature.trend ? [feature.trend] : []));
}

/** The management review input sources the features declare, in the order of the list. */
export function reviewInputSourcesOf(features: readonly Feature[]): ReviewInputSource[] {
  return features.flatMap((feature) => (feature.reviewInputs ? [feature.reviewInputs] : []));
}

/** The nudge sources the features declare, in the order of the list. */
export function nudgeSourcesOf(features: readonly Feature[]): NudgeSource[] {
  return features.flatMap((feature) => (feature.nudges ? [feature.nudges] : []));
}

/** The outbox subjects the features declare, by type (a type declared twice is a startup error). */
export function outboxSubjectsOf(features: readonly Feature[]): ReadonlyMap<string, OutboxSubjectSpec> {
  const subjects = new Map<string, OutboxSubjectSpec>();
  for (const feature of features) {
    for (const spec of feature.outbox ?? []) {
      if (subjects.has(spec.type)) throw new Error(`outbox subject "${spec.type}" is declared twice (again by ${feature.name})`);
      subjects.set(spec.type, spec);
    }
  }
  return subjects;
}

/** How each feature names its records in outbox lines, by subject type (for the status service). */
export function outboxLabelsOf(features: readonly Feature[]): ReadonlyMap<string, RecordLabel> {
  return new Map([...outboxSubjectsOf(features)].map(([type, spec]) => [type, spec.label]));
}

/** The first-run guide of the features list, if an area declares one (two would be a startup error). */
export function firstRunOf(features: readonly Feature[]): FirstRunSpec | undefined {
  const declared = features.filter((feature) => feature.firstRun);
  if (declared.length > 1) throw new Error(`first-run guide declared by ${declared.map((feature) => feature.name).join(' and ')}`);
  return declared[0]?.firstRun;
}
