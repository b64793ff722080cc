import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderTrendChart, trendChartSvg, TREND_CHART_SIZE, type TrendChartData } from '../../src/core/charts/trend-chart.ts';
import { trendWeeks } from '../../src/core/charts/trend-source.ts';
import { decodePng } from '../helpers/png-check.ts';

const weeks = trendWeeks('2026-11-23', new Date('2026-11-23T09:00:00Z')).map((week) => week.label);
const data: TrendChartData = {
  title: 'acme · AIMS trend, W37 to W48',
  weeks,
  series: [
    { key: 'incidents-opened', label: 'Incidents opened', unit: 'count', shape: 'bar', values: [1, 0, 2, 3, 1, 0, 0, 4, 2, 1, 0, 2] },
    { key: 'incidents-closed', label: 'Incidents closed', unit: 'count', shape: 'bar', values: [0, 1, 1, 2, 2, 1, 0, 1, 3, 2, 1, 1] },
    { key: 'overdue', label: 'Overdue items', unit: 'count', shape: 'line', values: [2, 2, 3, 4, 4, 3, 2, 5, 6, 4, 3, 3] },
    {
      key: 'training-completion',
      label: 'Training completion',
      unit: 'percent',
      shape: 'line',
      values: [null, null, 50, 55, 60, 62, 70, 75, 80, 82, 85, 90],
    },
    {
      key: 'objectives-off-target',
      label: 'Objectives off target',
      unit: 'count',
      shape: 'line',
      values: [0, 0, 1, 1, 2, 2, 1, 1, 0, 0, 1, 1],
    },
  ],
};

describe('the trend chart renderer', () => {
  it('the twelve weeks end with the digest’s own week, labelled by ISO week', () => {
    expect(weeks).toEqual(['W37', 'W38', 'W39', 'W40', 'W41', 'W42', 'W43', 'W44', 'W45', 'W46', 'W47', 'W48']);
    const grid = trendWeeks('2026-11-23', new Date('2026-11-23T09:00:00Z'));
    expect(grid.at(-1)).toEqual({
      label: 'W48',
      lastDay: '2026-11-23',
      start: '2026-11-16T09:00:00.000Z',
      end: '2026-11-23T09:00:00.000Z',
    });
    expect(grid[0]?.start).toBe('2026-08-31T09:00:00.000Z');
  });

  it('draws a PNG that decodes at its size, within Teams’ image limits, the same bytes for the same data', async () => {
    const png = await renderTrendChart(data);
    const decoded = decodePng(png);
    expect(decoded.bytes.length).toBe(png.length);
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 960, height: 540 });
    expect(decoded.width).toBeLessThanOrEqual(1024);
    expect(png.length).toBeLessThan(1024 * 1024);
    expect(decoded.colourType).toBe(3);
    // Deterministic: a second drawing (a new echarts instance, its own SVG ids) gives the same bytes.
    expect((await renderTrendChart(data)).equals(png)).toBe(true);
    // Other figures, another picture.
    const other = { ...data, series: data.series.map((s) => ({ ...s, values: s.values.map((v) => (v === null ? v : v + 1)) })) };
    expect((await renderTrendChart(other)).equals(png)).toBe(false);
    writeFileSync('/tmp/aims-trend-chart.png', png);
  });

  it('draws every series it is given (one the objectives area declares included) with the shipped font, text escaped', async () => {
    const svg = await trendChartSvg({ ...data, title: 'a <b>&amp; "c"' });
    for (const label of ['Incidents opened', 'Incidents closed', 'Overdue items', 'Training completion', 'Objectives off target'])
      expect(svg).toContain(label);
    expect(svg).toContain('DejaVu Sans');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;');
  });

  it('an empty workspace still gets a chart (weeks, no series)', async () => {
    const decoded = decodePng(await renderTrendChart({ title: 'empty', weeks, series: [] }, { width: 640, height: 360 }));
    expect({ width: decoded.width, height: decoded.height }).toEqual({ width: 640, height: 360 });
    expect(TREND_CHART_SIZE).toEqual({ width: 960, height: 540 });
  });
});
