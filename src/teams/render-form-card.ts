import type { FormField, FormView } from '../chat/views/form.ts';
import { cardOf, richText, SUBMIT_VERB, type AdaptiveCard, type CardElement } from './render-card.ts';

function input(field: FormField, value: string | undefined): CardElement | undefined {
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
      return { type: 'Input.ChoiceSet', ...common, style: 'compact', choices: (field.options ?? []).map((o) => ({ title: o.label, value: o.value })), ...(value ? { value } : {}) };
    case 'person':
    case 'aiSystem':
      // Teams cards cannot search a directory in 1.5: a filtered choice set types ahead over the choices.
      return {
        type: 'Input.ChoiceSet',
        ...common,
        style: 'filtered',
        choices: (field.choices ?? []).map((o) => ({ title: o.label, value: o.value })),
        ...(value ? { value } : {}),
      };
    case 'channel':
      // Channels are chosen on Teams by running a command in them; forms never ask.
      return undefined;
  }
}

/** A neutral form as an Adaptive Card whose submit button is an Action.Execute (answered in place). */
export function renderFormCard(form: FormView, formId: string): AdaptiveCard {
  const body: CardElement[] = [richText(form.title, { size: 'Large', weight: 'Bolder' })];
  if (form.intro) body.push(richText(form.intro));
  if (form.errors && Object.keys(form.errors).length > 0) {
    body.push(richText('Please fix the fields marked below.', { color: 'Attention', weight: 'Bolder' }));
  }
  for (const field of form.fields) {
    const element = input(field, form.values?.[field.id] ?? field.initial);
    if (!element) continue;
    body.push(element);
    const error = form.errors?.[field.id];
    if (error) body.push(richText(error, { color: 'Attention', size: 'Small' }));
    else if (field.hint) body.push(richText(field.hint, { isSubtle: true, size: 'Small' }));
  }
  return cardOf(body, [
    {
      type: 'Action.Execute',
      title: form.submitLabel,
      verb: SUBMIT_VERB,
      style: 'positive',
      data: { aims: { form: form.type, context: form.context, formId } },
    },
  ]);
}
