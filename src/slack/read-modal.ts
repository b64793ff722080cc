import type { FormValues } from '../chat/views/form.ts';

interface ElementState {
  type: string;
  value?: string | null;
  selected_option?: { value: string } | null;
  selected_user?: string | null;
  selected_conversation?: string | null;
  selected_channel?: string | null;
  selected_date?: string | null;
  selected_users?: string[] | null;
  selected_options?: Array<{ value: string }> | null;
  selected_date_time?: number | null;
}

export interface ModalRead {
  values: FormValues;
  /** Chosen Slack user ids and channel ids, whose names the adapter may look up. */
  users: string[];
  channels: string[];
}

/** Reads view.state.values as Slack's client fills it (block_id = field id, one element per block). */
export function readModal(stateValues: Record<string, Record<string, ElementState>>): ModalRead {
  const values: FormValues = {};
  const users: string[] = [];
  const channels: string[] = [];
  for (const [fieldId, actions] of Object.entries(stateValues)) {
    const state = Object.values(actions)[0];
    if (!state) continue;
    let value: string | undefined;
    switch (state.type) {
      case 'users_select':
        value = state.selected_user ?? undefined;
        if (value) users.push(value);
        break;
      case 'conversations_select':
      case 'channels_select':
        value = state.selected_conversation ?? state.selected_channel ?? undefined;
        if (value) channels.push(value);
        break;
      case 'multi_users_select':
        users.push(...(state.selected_users ?? []));
        value = (state.selected_users ?? []).join(',') || undefined;
        break;
      case 'multi_static_select':
        value = (state.selected_options ?? []).map((o) => o.value).join(',') || undefined;
        break;
      case 'datepicker':
        value = state.selected_date ?? undefined;
        break;
      case 'datetimepicker':
        // Slack sends the instant as Unix seconds: the person's own time zone is already applied.
        value = typeof state.selected_date_time === 'number' ? new Date(state.selected_date_time * 1000).toISOString() : undefined;
        break;
      case 'static_select':
      case 'external_select':
        value = state.selected_option?.value;
        break;
      default:
        value = state.value ?? undefined;
    }
    values[fieldId] = value === undefined || value === null ? undefined : value;
  }
  return { values, users, channels };
}
