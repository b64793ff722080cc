import { isHealthy, type Digest } from '../../core/digest/digest-service.ts';
import { personLabel } from '../../core/identity.ts';
import type { Block, MessageView, RichText } from './view.ts';
import { formatDate } from './format-time.ts';
import type { TrendChart } from '../../core/charts/trend-service.ts';
import { TREND_CHART_SIZE } from '../../core/charts/trend-chart.ts';

/** What a screen reader says of the chart: the series and their latest values. */
function chartAlt(chart: TrendChart): string {
  const latest = chart.data.series.map((series) => {
    const value = series.values.at(-1);
    return `${series.label} ${value === null || value === undefined ? 'none' : `${value}${series.unit === 'percent' ? '%' : ''}`}`;
  });
  return `Trend over ${chart.data.weeks.length} weeks (${chart.data.weeks[0] ?? ''} to ${chart.data.weeks.at(-1) ?? ''}); this week: ${latest.join(', ')}.`;
}

/** The one-line verdict of the digest's rule: "Healthy: …" or "Needs attention: …" (the status leads with it too). */
export function verdictText(digest: Pick<Digest, 'concerns'>): RichText {
  return isHealthy(digest)
    ? [{ text: 'Healthy: ', style: 'bold' }, { text: 'no serious incident open, nothing overdue, training on track.' }]
    : [{ text: 'Needs attention: ', style: 'bold' }, { text: `${digest.concerns.join('; ')}.` }];
}

/** The weekly digest for the leadership channel: the verdict first, then the week in numbers. */
export function digestView(digest: Digest, note?: string, chart?: TrendChart): MessageView {
  const healthy = isHealthy(digest);
  const blocks: Block[] = [];
  if (note) blocks.push({ type: 'context', text: note });
  blocks.push(
    { type: 'header', text: `AIMS weekly digest · ${digest.period}` },
    { type: 'text', text: verdictText(digest) },
    {
      type: 'fields',
      fields: [...digest.lines],
    },
  );
  if (chart)
    blocks.push({
      type: 'image',
      png: chart.png,
      ...TREND_CHART_SIZE,
      alt: chartAlt(chart),
      title: `AIMS trend · ${digest.period}`,
      filename: `aims-trend-${digest.period}.png`,
    });
  if (digest.topOverdue.length > 0) {
    blocks.push({ type: 'text', text: [{ text: 'Most overdue', style: 'bold' }] });
    blocks.push({
      type: 'list',
      items: digest.topOverdue.map(
        (item) =>
          `${item.what} · ${item.owner ? personLabel(item.owner) : 'no owner'} · ${item.daysOverdue} days overdue (due ${formatDate(item.due)})`,
      ),
    });
  }
  blocks.push({
    type: 'context',
    text: digest.auditHead
      ? [
          { text: `${formatDate(digest.from)} to ${formatDate(digest.to)} · audit chain head #${digest.auditHead.sequence} ` },
          { text: digest.auditHead.hash, style: 'code' },
        ]
      : `${formatDate(digest.from)} to ${formatDate(digest.to)} · audit chain empty`,
  });
  return { summary: `AIMS weekly digest ${digest.period}: ${healthy ? 'healthy' : 'needs attention'}`, blocks, visibility: 'public' };
}
