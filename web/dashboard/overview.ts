import { formatDate, formatIn } from '../format.js';
import { hasText, t } from '../i18n.js';
import type { CityOverviewQuery } from '../../schema/operations/types.generated.js';
import type { CityOverview, OverviewFigure } from '../../subgraphs/dashboard-kit.js';
import { dashboards } from '../../subgraphs/dashboards.js';
import { send } from './api.js';
import { chartCard } from './charts.js';
import { el, errorNotices } from './dom.js';
import { OVERVIEW } from './queries.js';
import type { Section } from './section.js';

/** The period the overview shows: the operation file's own example variables. */
const V = OVERVIEW.variables;

function kpi(label: string, value: string, id: string): HTMLElement {
  return el('div', { class: 'card kpi', id }, el('div', { class: 'kpi-value' }, value), el('div', { class: 'kpi-label' }, label));
}

/** An operation variable as a label's placeholder shows it: a date in the page's language. */
function shownVariable(name: keyof typeof V): string | number {
  return name === 'year' ? V[name] : formatDate(V[name]);
}

/** A department's key figure (subgraphs/<name>/dashboard.ts) as a card; its id is kpi-<key in kebab case>. */
function keyFigure({ key, params, unit, value }: OverviewFigure, city: CityOverview): HTMLElement {
  const placeholders = Object.fromEntries(Object.entries(params ?? {}).map(([name, variable]) => [name, shownVariable(variable)]));
  const id = `kpi-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return kpi(t(`overview.kpi.${key}`, placeholders), formatIn(unit, value(city)), id);
}

/** A programme's name in the page's language; the graph's own name for a programme added since. */
export function programmeName(programme: { code: string; name: string }): string {
  return hasText(`programme.${programme.code}`) ? t(`programme.${programme.code}`) : programme.name;
}

/** City overview: every department's key figures (cards) and charts from schema/operations/city-overview.graphql. */
export const overview: Section<CityOverviewQuery> = {
  id: 'overview',
  navKey: 'nav.overview',
  load: () => send(OVERVIEW),
  render(target, { data, errors }) {
    const city = data?.city;
    target.replaceChildren(
      el('h2', {}, t('overview.title')),
      el('p', { class: 'muted' }, t('overview.intro', { from: formatDate(V.from), to: formatDate(V.to), asOf: formatDate(V.asOf) })),
    );
    target.append(...errorNotices(errors));
    if (!city) return;

    const trend = city.povertyTrend ?? [];
    target.append(el('div', { class: 'kpis' }, ...dashboards.flatMap((room) => room.overview.map((figure) => keyFigure(figure, city)))));

    const programmes = city.creditFigures?.byProgramme ?? [];
    // A department that did not answer (null) leaves its bars empty.
    const housing = city.housingFigures;
    const employment = city.employmentFigures;
    target.append(
      el(
        'div',
        { class: 'charts' },
        chartCard(
          t('overview.chart.poverty'),
          trend.map((y) => String(y.year)),
          [
            { label: t('overview.series.poor'), values: trend.map((y) => y.poor) },
            { label: t('overview.series.nearPoor'), values: trend.map((y) => y.nearPoor) },
          ],
          { id: 'chart-poverty' },
        ),
        chartCard(
          t('overview.chart.credit'),
          programmes.map((p) => programmeName(p.programme)),
          [{ label: t('overview.series.disbursed'), values: programmes.map((p) => Number(p.amountDisbursed) / 1e9) }],
          { horizontal: true, id: 'chart-credit' },
        ),
        chartCard(
          t('overview.chart.housing'),
          [t('overview.housing.newHouses'), t('overview.housing.renovations'), t('overview.housing.allCompleted'), t('overview.housing.supported')],
          [
            {
              label: t('overview.series.houses'),
              values: [
                housing?.newHousesCompleted ?? null,
                housing?.renovationsCompleted ?? null,
                housing?.housesCompleted ?? null,
                housing?.housesSupported ?? null,
              ],
            },
          ],
          { horizontal: true, id: 'chart-housing' },
        ),
        chartCard(
          t('overview.chart.employment', { year: V.year }),
          [
            t('overview.employment.workersPlaced'),
            t('overview.employment.budgetFunded'),
            t('overview.employment.jobFairHires'),
            t('overview.employment.hiredAbroad'),
            t('overview.employment.enrolments'),
          ],
          [
            {
              label: t('overview.series.people'),
              values: [
                employment?.workersPlaced ?? null,
                employment?.budgetFundedPlacements ?? null,
                employment?.jobFairHires ?? null,
                employment?.jobFairHiresAbroad ?? null,
                employment?.trainingEnrolments ?? null,
              ],
            },
          ],
          { horizontal: true, id: 'chart-employment' },
        ),
      ),
    );
  },
};
