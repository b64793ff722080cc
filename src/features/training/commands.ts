import { AimsError } from '../../core/errors.ts';
import { DATE_LIKE as DATE, isCalendarDate } from '../../core/input/calendar-date.ts';
import type { CommandContext } from '../../chat/commands/command-context.ts';
import { message, type ChatResponse } from '../../chat/views/view.ts';
import { courseForm, sessionForm } from './forms.ts';
import { courseListView, standingView, trainingReportView } from './views.ts';
import { formatDate } from '../../chat/views/format-time.ts';

/** `training | training course add|edit|retire|list | training done <course> [date] [link] | training me | training report [as of <date>]` */
export async function trainingCommand(ctx: CommandContext): Promise<ChatResponse> {
  const { services, actor, args, prefix } = ctx;
  const sub = (args[0] ?? '').toLowerCase();
  const rest = args.slice(1);
  switch (sub) {
    case '': {
      const courses = await services.training.courses(actor.workspaceId);
      if (courses.length === 0)
        throw new AimsError('not_configured', 'There are no training courses yet.', {
          hint: `An admin can add one with “${prefix}training course add”.`,
        });
      return {
        kind: 'form',
        form: sessionForm(courses, await services.directory.people(actor.workspaceId), await services.training.today(actor.workspaceId)),
      };
    }
    case 'course': {
      const verb = (rest[0] ?? 'list').toLowerCase();
      const name = rest.slice(1).join(' ');
      if (verb === 'list') return message(courseListView(await services.training.courses(actor.workspaceId, true), prefix));
      await services.roles.requireAdmin(actor, 'manage courses');
      if (verb === 'add') return { kind: 'form', form: courseForm() };
      if (verb === 'edit') return { kind: 'form', form: courseForm(await services.training.findCourse(actor.workspaceId, name)) };
      if (verb === 'retire') {
        const { course, changed } = await services.training.retireCourse(
          actor,
          (await services.training.findCourse(actor.workspaceId, name)).id,
        );
        return message(
          courseListView(
            await services.training.courses(actor.workspaceId, true),
            prefix,
            changed ? `${course.name} is retired; its records stay.` : `${course.name} was already retired.`,
          ),
        );
      }
      throw new AimsError('invalid_input', `Use ${prefix}training course add, edit <name>, retire <name> or list.`);
    }
    case 'done': {
      const date = rest.find((word) => DATE.test(word)) ?? (await services.training.today(actor.workspaceId));
      const evidence = rest.find((word) => /^https?:\/\//i.test(word));
      const name = rest.filter((word) => !DATE.test(word) && word !== evidence).join(' ');
      if (!name) throw new AimsError('invalid_input', `Say which course: ${prefix}training done <course> [YYYY-MM-DD] [link]`);
      const course = await services.training.findCourse(actor.workspaceId, name);
      const { recorded } = await services.training.selfAttest(actor, { courseId: course.id, date, ...(evidence ? { evidence } : {}) });
      const standing = await services.training.standing(
        actor.workspaceId,
        actor.personId,
        await services.training.today(actor.workspaceId),
      );
      const view = standingView(standing, await services.training.today(actor.workspaceId));
      const note = recorded
        ? `Recorded your completion of ${course.name} on ${formatDate(date)} (self-attested).`
        : `Your completion of ${course.name} on ${formatDate(date)} was already recorded.`;
      return message({ ...view, blocks: [{ type: 'text', text: note }, ...view.blocks] });
    }
    case 'me': {
      const today = await services.training.today(actor.workspaceId);
      return message(standingView(await services.training.standing(actor.workspaceId, actor.personId, today), today));
    }
    case 'report': {
      // "report as of 2027-12-22": the report an auditor asks for on a given day.
      const asOf = rest.find((word) => DATE.test(word)) ?? (await services.training.today(actor.workspaceId));
      if (!isCalendarDate(asOf)) throw new AimsError('invalid_input', `${asOf} is not a day on the calendar. Give the date as YYYY-MM-DD.`);
      return message(trainingReportView(await services.training.reportFor(actor, asOf), asOf));
    }
    default:
      throw new AimsError(
        'invalid_input',
        `Use ${prefix}training, ${prefix}training me, ${prefix}training done <course>, ${prefix}training report or ${prefix}training course ….`,
      );
  }
}
