import type { FormField, FormOption, FormView } from '../chat/views/form.ts';
import { toMrkdwn, truncate } from './mrkdwn.ts';
import type { SlackBlock } from './render-blocks.ts';

export const FORM_CALLBACK_ID = 'aims:form';
/** action_id of external selects that search the AI system inventory. */
export const AI_SYSTEM_PICKER = 'pick:aiSystem';

const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

function option(choice: FormOption): Record<string, unknown> {
  return {
    text: plain(choice.label, 75),
    value: truncate(choice.value, 75),
    ...(choice.description ? { description: plain(choice.description, 75) } : {}),
  };
}

function element(field: FormField, initial: string | undefined): Record<string, unknown> {
  const placeholder = field.placeholder ? { placeholder: plain(field.placeholder, 150) } : {};
  switch (field.kind) {
    case 'text':
    case 'url':
    case 'longText':
      return {
        type: 'plain_text_input',
        action_id: field.id,
        multiline: field.kind === 'longText',
        ...(field.maxLength ? { max_length: field.maxLength } : {}),
        ...(initial ? { initial_value: initial } : {}),
        ...placeholder,
      };
    case 'number':
      return {
        type: 'number_input',
        action_id: field.id,
        is_decimal_allowed: true,
        ...(initial ? { initial_value: initial } : {}),
        ...placeholder,
      };
    case 'select': {
      const options = (field.options ?? []).slice(0, 100).map(option);
      const chosen = options.find((candidate) => candidate.value === initial);
      return { type: 'static_select', action_id: field.id, options, ...(chosen ? { initial_option: chosen } : {}), ...placeholder };
    }
    case 'multiSelect': {
      const options = (field.options ?? []).slice(0, 100).map(option);
      const chosen = options.filter((candidate) => (initial ?? '').split(',').includes(String(candidate.value)));
      return {
        type: 'multi_static_select',
        action_id: field.id,
        options,
        ...(chosen.length > 0 ? { initial_options: chosen } : {}),
        ...placeholder,
      };
    }
    case 'person':
      return { type: 'users_select', action_id: field.id, ...(initial ? { initial_user: initial } : {}), ...placeholder };
    case 'people':
      return { type: 'multi_users_select', action_id: field.id, ...(initial ? { initial_users: initial.split(',') } : {}), ...placeholder };
    case 'channel':
      return {
        type: 'conversations_select',
        action_id: field.id,
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(initial ? { initial_conversation: initial } : {}),
        ...placeholder,
      };
    case 'date':
      return { type: 'datepicker', action_id: field.id, ...(initial ? { initial_date: initial } : {}), ...placeholder };
    case 'datetime':
      return {
        type: 'datetimepicker',
        action_id: field.id,
        ...(initial ? { initial_date_time: Math.floor(new Date(initial).getTime() / 1000) } : {}),
      };
    case 'aiSystem':
      return {
        type: 'external_select',
        action_id: AI_SYSTEM_PICKER,
        min_query_length: 0,
        ...(initial ? { initial_option: option({ value: initial, label: field.initialLabel ?? initial }) } : {}),
        ...placeholder,
      };
  }
}

/** A neutral form as a Slack modal; its type and context ride in private_metadata. */
export function renderModal(form: FormView): Record<string, unknown> {
  const blocks: SlackBlock[] = [];
  if (form.intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(toMrkdwn(form.intro), 3000) } });
  for (const field of form.fields) {
    blocks.push({
      type: 'input',
      block_id: field.id,
      optional: !field.required,
      label: plain(field.label, 2000),
      ...(field.hint ? { hint: plain(field.hint, 2000) } : {}),
      element: element(field, form.values?.[field.id] ?? field.initial),
    });
  }
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK_ID,
    private_metadata: JSON.stringify({ type: form.type, context: form.context }),
    title: plain(form.title, 24),
    submit: plain(form.submitLabel, 24),
    close: plain('Cancel', 24),
    blocks: blocks.slice(0, 100),
  };
}

/** The modal that replaces a form once it was saved: the result and a Done button. */
export function renderResultModal(title: string, blocks: SlackBlock[]): Record<string, unknown> {
  return { type: 'modal', title: plain(title, 24), close: plain('Done', 24), blocks: blocks.slice(0, 100) };
}
