import { slackSignature } from './slack-signing.ts';

type Json = Record<string, unknown>;

/** An interactivity payload as Slack posts it: form-encoded `payload=<json>`, signed. */
export async function postInteraction(url: string, payload: Json) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignature(body) },
    body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? (JSON.parse(text) as Json) : undefined };
}

interface Person {
  /** Where the person acts: the payload's team.id (and the modal's team_id). */
  team?: string;
  user: string;
  name?: string;
  /** The person's own workspace, user.team_id: another one under Enterprise Grid or Slack Connect. */
  homeTeam?: string;
}

/** Where a clicked message is: a channel post everyone sees, or (the default) an ephemeral answer. */
export interface ClickedMessage {
  channel: string;
  ts: string;
  ephemeral?: boolean;
}

/**
 * Fills a modal as Slack's client would: view.state.values keyed by block_id and action_id, each
 * element's value in the shape its type uses. Text for text inputs; option values for selects;
 * user and channel ids for the pickers. Fields not named keep their initial values.
 */
export function fillModal(view: Json, values: Record<string, string | undefined>): Record<string, Record<string, Json>> {
  const state: Record<string, Record<string, Json>> = {};
  for (const block of (view.blocks as Json[]) ?? []) {
    if (block.type !== 'input') continue;
    const element = block.element as Json;
    const blockId = String(block.block_id);
    const actionId = String(element.action_id);
    const given = blockId in values ? values[blockId] : undefined;
    const keep = !(blockId in values);
    let entry: Json;
    switch (element.type) {
      case 'static_select':
      case 'external_select': {
        const initial = (element.initial_option as Json | undefined) ?? null;
        const value = keep ? ((initial?.value as string | undefined) ?? undefined) : given;
        const option =
          value === undefined
            ? null
            : ((element.options as Json[] | undefined)?.find((o) => o.value === value) ?? {
                text: { type: 'plain_text', text: value },
                value,
              });
        entry = { type: element.type, selected_option: option };
        break;
      }
      case 'users_select':
        entry = { type: 'users_select', selected_user: keep ? (element.initial_user ?? null) : (given ?? null) };
        break;
      case 'multi_users_select':
        entry = {
          type: 'multi_users_select',
          selected_users: keep ? (element.initial_users ?? []) : (given ?? '').split(',').filter(Boolean),
        };
        break;
      case 'multi_static_select': {
        const wanted = keep
          ? ((element.initial_options as Json[] | undefined) ?? []).map((o) => String(o.value))
          : (given ?? '').split(',').filter(Boolean);
        entry = {
          type: 'multi_static_select',
          selected_options: ((element.options as Json[] | undefined) ?? []).filter((o) => wanted.includes(String(o.value))),
        };
        break;
      }
      case 'datepicker':
        entry = { type: 'datepicker', selected_date: keep ? (element.initial_date ?? null) : (given ?? null) };
        break;
      case 'datetimepicker':
        // Slack's client sends the instant as Unix seconds; tests give ISO instants.
        entry = {
          type: 'datetimepicker',
          selected_date_time: keep ? (element.initial_date_time ?? null) : given ? Math.floor(new Date(given).getTime() / 1000) : null,
        };
        break;
      case 'conversations_select':
        entry = { type: 'conversations_select', selected_conversation: keep ? (element.initial_conversation ?? null) : (given ?? null) };
        break;
      default:
        entry = { type: element.type, value: keep ? (element.initial_value ?? null) : (given ?? null) };
    }
    state[blockId] = { [actionId]: entry };
  }
  return state;
}

/** The team and user fields every interactivity payload carries. */
function from(who: Person) {
  return {
    team: { id: who.team ?? 'T0TEST', domain: 'acme' },
    user: { id: who.user, username: who.name ?? who.user.toLowerCase(), team_id: who.homeTeam ?? who.team ?? 'T0TEST' },
    api_app_id: 'A0AIMS',
  };
}

/** Submits a modal that the bot opened (as recorded by the fake's views.open). */
export async function submitModal(url: string, view: Json, values: Record<string, string | undefined>, who: Person, viewId = 'V0MODAL1') {
  return await postInteraction(url, {
    type: 'view_submission',
    ...from(who),
    trigger_id: '111.222.trigger',
    view: { ...view, id: viewId, team_id: who.team ?? 'T0TEST', state: { values: fillModal(view, values) } },
  });
}

/** Clicks a button in a posted message, as block_actions. */
export async function clickButton(
  url: string,
  button: Json,
  who: Person,
  responseUrl: string,
  message: ClickedMessage = { channel: 'C0GENERAL', ts: '1700000000.000100', ephemeral: true },
) {
  return await postInteraction(url, {
    type: 'block_actions',
    ...from(who),
    trigger_id: '333.444.trigger',
    response_url: responseUrl,
    container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: message.ephemeral ?? false },
    channel: { id: message.channel },
    actions: [buttonAction(button)],
  });
}

/** The clicked button as block_actions carry it. */
function buttonAction(button: Json): Json {
  return {
    type: 'button',
    action_id: button.action_id,
    block_id: 'b1',
    value: button.value,
    text: button.text,
    action_ts: `${Date.now() / 1000}`,
  };
}

/** A modal (or the App Home) as Slack shows it: its id and hash, as a button click inside it carries them. */
export interface ClickedView {
  id: string;
  hash?: string;
  type?: 'modal' | 'home';
  /** The view as the bot last sent it (its title, blocks). */
  view: Json;
}

/** Clicks a button inside a modal or the App Home, as block_actions from a view: no response_url, the view instead. */
export async function clickButtonInView(url: string, button: Json, who: Person, shown: ClickedView) {
  return await postInteraction(url, {
    type: 'block_actions',
    ...from(who),
    trigger_id: '555.666.trigger',
    container: { type: 'view', view_id: shown.id },
    view: {
      ...shown.view,
      id: shown.id,
      hash: shown.hash ?? `${shown.id}-hash`,
      type: shown.type ?? 'modal',
      team_id: who.team ?? 'T0TEST',
    },
    actions: [buttonAction(button)],
  });
}

/** The buttons of a Block Kit message, by label. */
export function buttonsOf(message: Json | undefined): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const block of (message?.blocks as Json[]) ?? []) {
    // A list row's button sits beside it, as its section's accessory.
    const accessory = block.accessory as Json | undefined;
    if (block.type === 'section' && accessory?.type === 'button') out[String((accessory.text as Json).text)] ??= accessory;
    if (block.type !== 'actions') continue;
    for (const element of block.elements as Json[]) out[String((element.text as Json).text)] = element;
  }
  return out;
}
