import type { RichText } from './view.ts';

/**
 * A platform-neutral form. Slack renders it as a modal, Teams as an Adaptive Card with inputs;
 * both send back the same field ids, so one zod schema validates both.
 */
export type FieldKind =
  'text' | 'longText' | 'number' | 'select' | 'multiSelect' | 'person' | 'people' | 'channel' | 'url' | 'aiSystem' | 'date' | 'datetime';

export interface FormOption {
  value: string;
  label: string;
  description?: string;
}

export interface FormField {
  id: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  hint?: string;
  placeholder?: string;
  maxLength?: number;
  /** Options of a select field. */
  options?: FormOption[];
  /** Where a platform cannot search its own directory (people and AI systems on Teams), the choices. */
  choices?: FormOption[];
  /** Initial value: option value, platform user id, channel id, AI system id, text, YYYY-MM-DD (date) or a UTC ISO instant (datetime). */
  initial?: string;
  /** What to show for the initial value of a searched picker (its label). */
  initialLabel?: string;
}

export interface FormView {
  /** Which form this is: `system.add`, `system.edit`, `setup` ... */
  type: string;
  title: string;
  submitLabel: string;
  intro?: RichText;
  fields: FormField[];
  /** Carried through the platform untouched (e.g. the id of the system being edited). */
  context: Record<string, string>;
  /** Messages to show next to fields, after a submission that did not validate. */
  errors?: Record<string, string>;
  /** The values submitted last time, shown again with the errors. */
  values?: FormValues;
  /** The time zone date and time fields are shown and read in (the workspace's). */
  timeZone?: string;
  /** Where Cancel leads on platforms whose forms replace a card (Teams): the action showing it again. */
  cancel?: { action: string; args: Record<string, string> };
}

/**
 * Submitted values by field id; a datetime arrives as a UTC ISO instant, a date as YYYY-MM-DD, and
 * the choices of a multiSelect or people field comma-separated.
 */
export type FormValues = Record<string, string | undefined>;

export interface FormSubmission {
  type: string;
  context: Record<string, string>;
  values: FormValues;
  /** Identifies this filled-in form, so a double submit is handled once. */
  instanceKey: string;
  /** Names the platform told the adapter for chosen people and channels, keyed by their id. */
  labels?: Record<string, string>;
}

/** A button on a message: a named action with string arguments, re-checked on the server. */
export interface ButtonView {
  label: string;
  action: string;
  args: Record<string, string>;
  style?: 'primary' | 'danger';
  /**
   * The action asks for input first (its handler answers with a form). Platforms whose forms would
   * replace a card others see too (a Teams channel) open it in a dialog instead.
   */
  opensForm?: boolean;
  confirm?: {
    title: string;
    text: string;
    confirm: string;
    deny: string;
    /** What "deny" shows again where the confirmation replaced the card (Teams). */ back?: {
      action: string;
      args: Record<string, string>;
    };
  };
}
