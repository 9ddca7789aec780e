import { graphql } from './api.js';
import { el, errorBox, formatNumber, formatPercent } from './dom.js';
import { FIGURES, type DashboardFigure } from './figures.js';
import { PUBLISHED } from './queries.js';

function show(figure: DashboardFigure, value: number | null): string {
  if (value === null) return '–';
  return figure.unit === 'percent' ? formatPercent(value) : formatNumber(value);
}

/** The published figures next to the graph's numbers for the same periods. */
export async function renderPublished(target: HTMLElement): Promise<void> {
  const { data, errors } = await graphql<unknown>(PUBLISHED.query, PUBLISHED.variables);
  target.replaceChildren(
    el('h2', {}, 'Published figures'),
    el('p', { class: 'muted' }, 'What the city published for 2022-2025, and what the graph holds for the same period. With the city data set loaded the two agree; with the demo data the graph column shows the demo numbers.'),
  );
  if (errors.length) target.append(errorBox(errors.map((e) => e.message)));
  const rows = FIGURES.map((figure) => {
    const value = data ? figure.value(data) : null;
    return el(
      'tr',
      { 'data-key': figure.key },
      el('td', {}, figure.label),
      el('td', { class: 'muted' }, figure.period),
      el('td', { class: 'num published', 'data-value': figure.published }, `${figure.sign} ${show(figure, figure.published)}`),
      el('td', { class: 'num graph', 'data-value': value ?? '' }, show(figure, value)),
    );
  });
  target.append(
    el(
      'table',
      { class: 'data', id: 'published-figures' },
      el('thead', {}, el('tr', {}, el('th', {}, 'figure'), el('th', {}, 'period'), el('th', { class: 'num' }, 'published'), el('th', { class: 'num' }, 'from the graph'))),
      el('tbody', {}, ...rows),
    ),
  );
}
