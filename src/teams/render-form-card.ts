import type { FormField, FormValues, FormView } from '../chat/views/form.ts';
import { zonedToUtc, utcToZoned } from '../core/zoned-time.ts';
import { ACT_VERB, cardOf, FIND_VERB, richText, SUBMIT_VERB, type AdaptiveCard, type CardElement } from './render-card.ts';

/** Id of the text input that narrows a picker too long for one card. */
export const findInputId = (fieldId: string) => `${fieldId}__find`;

/**
 * Choices a 1.5 card carries for a searched picker. Teams rejects cards much over ~28 KB, so a
 * filtered choice set holds at most this many; the rest are reached by narrowing elsewhere.
 */
export const MAX_CARD_CHOICES = 100;

/** Ids of the two inputs a datetime field becomes on a card (1.5 has no combined input). */
export const dateInputId = (fieldId: string) => `${fieldId}__date`;
export const timeInputId = (fieldId: string) => `${fieldId}__time`;

function input(field: FormField, value: string | undefined, timeZone: string): CardElement | CardElement[] | undefined {
  const common = { id: field.id, label: field.label, isRequired: field.required, errorMessage: `${field.label} is required.` };
  switch (field.kind) {
    case 'text':
    case 'url':
    case 'longText':
      return {
        type: 'Input.Text',
        ...common,
        ...(field.kind === 'longText' ? { isMultiline: true } : {}),
        ...(field.kind === 'url' ? { style: 'Url' } : {}),
        ...(field.maxLength ? { maxLength: field.maxLength } : {}),
        ...(field.placeholder ? { placeholder: field.placeholder } : {}),
        ...(value ? { value } : {}),
      };
    case 'number':
      return { type: 'Input.Number', ...common, ...(value ? { value: Number(value) } : {}) };
    case 'select':
    case 'multiSelect':
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'compact',
        ...(field.kind === 'multiSelect' ? { isMultiSelect: true } : {}),
        // A choice carries only a title: the option's meaning goes there, as Slack shows it under the option.
        choices: (field.options ?? []).map((o) => ({ title: o.description ? `${o.label} — ${o.description}` : o.label, value: o.value })),
        ...(value ? { value } : {}),
      };
    case 'people':
      // A multi-select carries its choices comma-separated, the same shape Slack's picker is read into.
      return {
        type: 'Input.ChoiceSet',
        ...common,
        isMultiSelect: true,
        choices: choicesIncluding(field, value).map((o) => ({ title: o.label.slice(0, 100), value: o.value })),
        ...(value ? { value } : {}),
      };
    case 'person':
    case 'aiSystem':
      // Teams cards cannot search a directory in 1.5: a filtered choice set types ahead over the choices.
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'filtered',
        choices: choicesIncluding(field, value).map((o) => ({ title: o.label.slice(0, 100), value: o.value })),
        ...(value ? { value } : {}),
      };
    case 'date':
      return { type: 'Input.Date', ...common, ...(value ? { value } : {}) };
    case 'datetime': {
      const local = value ? utcToZoned(value, timeZone) : undefined;
      return [
        {
          type: 'Input.Date',
          ...common,
          id: dateInputId(field.id),
          label: `${field.label} (date, ${timeZone})`,
          ...(local ? { value: local.date } : {}),
        },
        {
          type: 'Input.Time',
          ...common,
          id: timeInputId(field.id),
          label: `${field.label} (time)`,
          ...(local ? { value: local.time } : {}),
        },
      ];
    }
    case 'channel':
      // Channels are chosen on Teams by running a command in them; forms never ask.
      return undefined;
  }
}

/** The first choices, always including the one already chosen. */
function choicesIncluding(field: FormField, value: string | undefined) {
  const all = field.choices ?? [];
  const shown = all.slice(0, MAX_CARD_CHOICES);
  const values = field.kind === 'people' ? (value ?? '').split(',').filter(Boolean) : value === undefined ? [] : [value];
  for (const wanted of values) {
    const chosen = all.find((choice) => choice.value === wanted);
    if (chosen && !shown.includes(chosen)) shown.push(chosen);
    if (!chosen && field.initialLabel && values.length === 1) shown.push({ value: wanted, label: field.initialLabel });
  }
  return shown;
}

/**
 * A neutral form as an Adaptive Card whose submit button is an Action.Execute (answered in place),
 * or, in a dialog, an Action.Submit (a `task/submit` invoke; the dialog's close is its cancel).
 */
export function renderFormCard(form: FormView, formId: string, options: { dialog?: boolean } = {}): AdaptiveCard {
  const button = (title: string, verb: string, data: Record<string, unknown>): CardElement =>
    options.dialog ? { type: 'Action.Submit', title, data } : { type: 'Action.Execute', title, verb, data };
  const timeZone = form.timeZone ?? 'UTC';
  const body: CardElement[] = [richText(form.title, { size: 'Large', weight: 'Bolder' })];
  if (form.intro) body.push(richText(form.intro));
  if (form.errors && Object.keys(form.errors).length > 0) {
    body.push(richText('Please fix the fields marked below.', { color: 'Attention', weight: 'Bolder' }));
  }
  for (const field of form.fields) {
    const element = input(field, form.values?.[field.id] ?? field.initial, timeZone);
    if (!element) continue;
    body.push(...(Array.isArray(element) ? element : [element]));
    if (
      (field.kind === 'person' || field.kind === 'people' || field.kind === 'aiSystem') &&
      ((field.choices?.length ?? 0) > MAX_CARD_CHOICES || form.values?.[findInputId(field.id)])
    ) {
      // More choices than a card can carry: a search box and a Find button that redraws the card
      // with the matches (Adaptive Cards 1.5 has no server-side type-ahead).
      body.push({
        type: 'ColumnSet',
        columns: [
          {
            type: 'Column',
            width: 'stretch',
            items: [
              {
                type: 'Input.Text',
                id: findInputId(field.id),
                placeholder: `Not listed? Type part of the name`,
                ...(form.values?.[findInputId(field.id)] ? { value: form.values[findInputId(field.id)] } : {}),
              },
            ],
          },
          {
            type: 'Column',
            width: 'auto',
            items: [
              {
                type: 'ActionSet',
                actions: [button('Find', FIND_VERB, { aims: { form: form.type, context: form.context, formId, field: field.id } })],
              },
            ],
          },
        ],
      });
    }
    const error = form.errors?.[field.id];
    const hint =
      field.kind === 'person' ? [field.hint, 'Only people who have talked to aims-bot are listed.'].filter(Boolean).join(' ') : field.hint;
    if (error) body.push(richText(error, { color: 'Attention', size: 'Small' }));
    else if (hint) body.push(richText(hint, { isSubtle: true, size: 'Small' }));
  }
  return cardOf(body, [
    {
      ...button(form.submitLabel, SUBMIT_VERB, {
        // Datetime fields arrive as a date and a time input: say which, and in which zone to read them.
        aims: {
          form: form.type,
          context: form.context,
          formId,
          datetimes: form.fields.filter((f) => f.kind === 'datetime').map((f) => f.id),
          timeZone,
        },
      }),
      style: 'positive',
    },
    // A form that replaced a card can be left without saving.
    ...(form.cancel && !options.dialog
      ? [
          {
            type: 'Action.Execute',
            title: 'Cancel',
            verb: ACT_VERB,
            data: { aims: { action: form.cancel.action, args: form.cancel.args } },
          },
        ]
      : []),
  ]);
}

/** Card input values to form values: a datetime's date and time inputs become one UTC instant. */
export function readCardValues(raw: FormValues, datetimes: readonly string[], timeZone: string): FormValues {
  const values: FormValues = { ...raw };
  for (const id of datetimes) {
    const date = raw[dateInputId(id)];
    const time = raw[timeInputId(id)];
    delete values[dateInputId(id)];
    delete values[timeInputId(id)];
    values[id] = date && time ? zonedToUtc(date, time, timeZone) : undefined;
  }
  for (const key of Object.keys(values)) if (key.endsWith('__find')) delete values[key];
  return values;
}
