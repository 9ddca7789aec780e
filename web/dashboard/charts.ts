import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import { locale } from '../i18n.js';
import { el } from './dom.js';

// Only the parts used, so the bundle carries no other chart type.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

const COLOURS = ['#c0392b', '#e67e22', '#2980b9', '#27ae60', '#8e44ad', '#16a085', '#7f8c8d'];

export interface Series {
  label: string;
  values: Array<number | null>;
}

/**
 * A label in lines of at most `width` characters, broken between words: Chart.js draws an
 * array as several lines, so a long programme name is never cut at the chart's edge.
 */
export function wrapLabel(label: string, width = 24): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * A bar (or line) chart in a titled card that follows its box's width. Numbers on the axes and
 * in tooltips are in the page's language (Chart.js's `locale`). Animation is off: the figures
 * appear at once, and a screenshot taken when the data arrives shows the final chart.
 */
export function chartCard(
  title: string,
  labels: string[],
  series: Series[],
  options: { type?: 'bar' | 'line'; horizontal?: boolean; id?: string } = {},
): HTMLElement {
  const canvas = el('canvas', { 'aria-label': title, role: 'img' });
  // A horizontal chart is as tall as its bars need (--rows, and --lines: the most lines a label
  // takes at the narrowest wrapping below, for which dashboard.css gives each row room); the
  // others have the same height.
  const lines = Math.max(1, ...labels.map((label) => wrapLabel(label, 18).length));
  const box = el('div', { class: 'chart-box', style: options.horizontal ? `--rows: ${labels.length}; --lines: ${lines}` : undefined }, canvas);
  const card = el('figure', { class: `card chart${options.horizontal ? ' horizontal' : ''}`, id: options.id }, el('figcaption', {}, title), box);
  // Category labels are wrapped to the chart's width each time it is laid out (a phone gets
  // narrower lines than a desktop), so they are never cut at the edge.
  const category = {
    ticks: {
      autoSkip: false,
      maxRotation: 0,
      callback(this: { getLabelForValue(value: number): string; chart: { width: number } }, value: number | string): string[] {
        const width = this.chart.width;
        const perLine = options.horizontal ? (width < 420 ? 18 : 24) : Math.max(8, Math.floor(width / labels.length / 7));
        return wrapLabel(this.getLabelForValue(Number(value)), perLine);
      },
    },
  };
  new Chart(canvas, {
    type: options.type ?? 'bar',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length],
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: locale(),
      indexAxis: options.horizontal ? 'y' : 'x',
      plugins: { legend: { display: series.length > 1, position: 'bottom' } },
      scales: options.horizontal ? { x: { beginAtZero: true }, y: category } : { x: category, y: { beginAtZero: true } },
    },
  });
  return card;
}
