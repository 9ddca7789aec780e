import { formatDate, formatIn } from '../format.js';
import { t } from '../i18n.js';
import type { PublishedFiguresQuery } from '../../schema/operations/types.generated.js';
import { send } from './api.js';
import { el, errorNotices } from './dom.js';
import { exportButtons, exportNotes } from './export.js';
import { FIGURES, type DashboardFigure, type FigurePeriod } from './figures.js';
import { PUBLISHED } from './queries.js';
import type { Section } from './section.js';

function show(figure: DashboardFigure, value: number | null): string {
  return value === null ? '–' : formatIn(figure.unit, value);
}

/** A figure's period in the page's language. */
export function periodText(period: FigurePeriod): string {
  switch (period.kind) {
    case 'since':
    case 'on':
      return t(`period.${period.kind}`, { date: formatDate(period.date) });
    case 'review':
    case 'year':
      return t(`period.${period.kind}`, { year: period.year });
    case 'years':
    case 'budgetYears':
      return t(`period.${period.kind}`, { from: period.from, to: period.to });
    case 'between':
      return t('period.between', { from: formatDate(period.from), to: formatDate(period.to) });
  }
}

/** The published figures next to the graph's numbers for the same periods. */
export const published: Section<PublishedFiguresQuery> = {
  id: 'figures',
  navKey: 'nav.figures',
  load: () => send(PUBLISHED),
  render(target, { data, errors, withheld }) {
    target.replaceChildren(el('h2', {}, t('published.title')), el('p', { class: 'muted' }, t('published.intro')));
    target.append(...errorNotices(errors));
    const rows = FIGURES.map((figure) => ({
      figure,
      label: t(figure.label.key, figure.label.params),
      period: periodText(figure.period),
      value: data ? figure.value(data) : null,
    }));
    target.append(
      exportButtons('export-figures', () => ({
        fileName: 'published-figures',
        sheets: [
          {
            name: t('published.exportSheet'),
            columns: [
              { header: t('published.figure'), kind: 'text' },
              { header: t('published.period'), kind: 'text' },
              { header: t('published.unit'), kind: 'text' },
              { header: t('published.sign'), kind: 'text' },
              { header: t('published.published'), kind: 'number' },
              { header: t('published.graph'), kind: 'number' },
            ],
            // Exact numbers (money in đồng); the unit column says which.
            rows: rows.map((r) => [r.label, r.period, t(`published.units.${r.figure.unit}`), r.figure.sign, r.figure.published, r.value]),
          },
        ],
        notes: exportNotes(withheld),
      })),
      el(
        'div',
        { class: 'table-scroll whole' },
        el(
          'table',
          { class: 'data', id: 'published-figures' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', {}, t('published.figure')),
              el('th', {}, t('published.period')),
              el('th', { class: 'num' }, t('published.published')),
              el('th', { class: 'num' }, t('published.graph')),
            ),
          ),
          el(
            'tbody',
            {},
            ...rows.map((r) =>
              el(
                'tr',
                { 'data-key': r.figure.key },
                el('td', { class: 'wrap' }, r.label),
                el('td', { class: 'muted' }, r.period),
                el('td', { class: 'num published', 'data-value': r.figure.published }, `${r.figure.sign} ${show(r.figure, r.figure.published)}`),
                el('td', { class: 'num graph', 'data-value': r.value ?? '' }, show(r.figure, r.value)),
              ),
            ),
          ),
        ),
      ),
    );
  },
};
