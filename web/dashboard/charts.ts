import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Title, Tooltip } from 'chart.js';
import { el } from './dom.js';

// Only the parts used, so the bundle carries no other chart type.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Title, Tooltip);

const COLOURS = ['#c0392b', '#e67e22', '#2980b9', '#27ae60', '#8e44ad', '#16a085', '#7f8c8d'];

export interface Series {
  label: string;
  values: Array<number | null>;
}

/**
 * A bar (or line) chart in a titled card. Animation is off: the figures appear at once, and a
 * screenshot taken when the data arrives shows the final chart.
 */
export function chartCard(title: string, labels: string[], series: Series[], options: { type?: 'bar' | 'line'; horizontal?: boolean; id?: string } = {}): HTMLElement {
  const canvas = el('canvas', { 'aria-label': title, role: 'img' });
  const card = el('figure', { class: 'card chart', id: options.id }, el('figcaption', {}, title), el('div', { class: 'chart-box' }, canvas));
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
      indexAxis: options.horizontal ? 'y' : 'x',
      plugins: { legend: { display: series.length > 1, position: 'bottom' } },
      scales: { x: { beginAtZero: true }, y: { beginAtZero: true } },
    },
  });
  return card;
}
