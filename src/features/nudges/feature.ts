import type { ActionSpec, Feature, FormSpec } from '../../chat/feature.ts';
import { NUDGE_SNOOZE, snoozedView, snoozeForm } from './views.ts';
import { message } from '../../chat/views/view.ts';

const snoozeButton: ActionSpec<typeof NUDGE_SNOOZE> = {
  id: NUDGE_SNOOZE,
  handle: async ({ services, actor }, args) => {
    if (args.days !== '1') return { kind: 'form', form: snoozeForm(args.item ?? '') };
    return message(snoozedView(await services.nudges.snooze(actor, args.item ?? '', 1)));
  },
};

const snoozeWeek: FormSpec<typeof NUDGE_SNOOZE> = {
  id: NUDGE_SNOOZE,
  open: (_ctx, context) => snoozeForm(context.item ?? ''),
  submit: async ({ services, actor }, submission) => ({
    kind: 'done',
    view: snoozedView(await services.nudges.snooze(actor, submission.context.item ?? '', 7, submission.values.reason)),
  }),
};

/** Snoozing an item of the daily nudge (the items themselves come from each area's `nudges`). */
export const nudgesFeature: Feature = {
  name: 'nudges',
  forms: [snoozeWeek],
  actions: [snoozeButton],
};
