import { fileURLToPath } from 'node:url';
import { indexedPng } from './indexed-png.ts';

/** One line or bar of the trend chart: a value per week, oldest first (null where there is none). */
export interface TrendSeries {
  /** What it counts, across areas: series of the same key are added up ("overdue" from every area). */
  key: string;
  /** Its name in the legend: "Incidents opened". */
  label: string;
  /** Counts are drawn on the left axis; percentages (0 to 100) on the right one. */
  unit: 'count' | 'percent';
  /** Counts of events in each week are bars; levels at each week's end (overdue, rates) are lines. */
  shape: 'bar' | 'line';
  values: Array<number | null>;
}

/** What the chart shows: the weeks' labels (oldest first) and the series, in the order of the legend. */
export interface TrendChartData {
  title: string;
  weeks: string[];
  series: TrendSeries[];
}

export interface ChartSize {
  width: number;
  height: number;
}

/** Within Teams' image limits (1024 px a side, 1 MB) and readable in Slack's preview. */
export const TREND_CHART_SIZE: Readonly<ChartSize> = { width: 960, height: 540 };

/** The font shipped in the repo (assets/fonts), the only one the renderer loads: same pixels on every machine. */
export const CHART_FONT_FILE = fileURLToPath(new URL('../../../assets/fonts/DejaVuSans.ttf', import.meta.url));
const FONT_FAMILY = 'DejaVu Sans';

// A colour per series, in legend order, from a palette that stays apart for the common kinds of colour blindness.
const PALETTE = ['#0072b2', '#e69f00', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#f0e442', '#000000'];

type Echarts = typeof import('echarts/core');
let loaded: Promise<Echarts> | undefined;

/** echarts is loaded on the first chart only: a bot that never draws one never holds it in memory. */
async function echartsCore(): Promise<Echarts> {
  loaded ??= (async () => {
    const echarts = await import('echarts/core');
    const [{ BarChart, LineChart }, { GridComponent, LegendComponent, TitleComponent }, { SVGRenderer }] = await Promise.all([
      import('echarts/charts'),
      import('echarts/components'),
      import('echarts/renderers'),
    ]);
    echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);
    return echarts;
  })();
  return await loaded;
}

/** The chart as SVG (echarts' server-side rendering; no DOM, no animation). */
export async function trendChartSvg(data: TrendChartData, size: ChartSize = TREND_CHART_SIZE): Promise<string> {
  const echarts = await echartsCore();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    const hasPercent = data.series.some((series) => series.unit === 'percent');
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      color: PALETTE,
      textStyle: { fontFamily: FONT_FAMILY, color: '#333333' },
      title: { text: data.title, left: 16, top: 12, textStyle: { fontFamily: FONT_FAMILY, fontSize: 18, fontWeight: 'normal' } },
      legend: { top: 44, left: 16, right: 16, itemGap: 24, textStyle: { fontFamily: FONT_FAMILY, fontSize: 13 } },
      grid: { left: 56, right: hasPercent ? 64 : 32, top: 100, bottom: 44 },
      xAxis: { type: 'category', data: data.weeks, axisLabel: { fontFamily: FONT_FAMILY, fontSize: 12 } },
      yAxis: [
        {
          type: 'value',
          name: 'count',
          minInterval: 1,
          nameTextStyle: { fontFamily: FONT_FAMILY },
          axisLabel: { fontFamily: FONT_FAMILY },
        },
        ...(hasPercent
          ? [
              {
                type: 'value' as const,
                name: '%',
                min: 0,
                max: 100,
                splitLine: { show: false },
                nameTextStyle: { fontFamily: FONT_FAMILY },
                axisLabel: { fontFamily: FONT_FAMILY, formatter: '{value}%' },
              },
            ]
          : []),
      ],
      series: data.series.map((series) => ({
        name: series.label,
        type: series.shape,
        yAxisIndex: series.unit === 'percent' ? 1 : 0,
        data: series.values,
        ...(series.shape === 'line' ? { symbolSize: 6, lineStyle: { width: 2.5 }, connectNulls: false } : { barMaxWidth: 18 }),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * The trend chart as a PNG (pure: the same data gives the same bytes): echarts' SVG rasterised by
 * resvg with the shipped font only, never the machine's fonts, then written as a palette PNG.
 */
export async function renderTrendChart(data: TrendChartData, size: ChartSize = TREND_CHART_SIZE): Promise<Buffer> {
  const svg = await trendChartSvg(data, size);
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'original' },
    font: { fontFiles: [CHART_FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  const image = resvg.render();
  return indexedPng(image.pixels, image.width, image.height);
}
