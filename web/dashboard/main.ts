import { accessToken, configureSignIn, renew, scheduleRenewal, signIn, signInAvailable, signOut, type SignInConfig } from '../auth/session.js';
import { readSession } from '../auth/tokens.js';
import { readConfig } from '../config.js';
import { LANGUAGE_NAMES, LANGUAGES, language, setLanguage, t } from '../i18n.js';
import { useTokens, type GraphQLResult } from './api.js';
import { DEFAULT_LIST, loadCommune, loadHouseholds, renderCommune, renderHouseholds, type HouseholdList, type HouseholdsAnswer } from './commune.js';
import { communes } from './communes.js';
import { loadConsistency, newConsistencyState, renderConsistency, type ConsistencyState } from './consistency.js';
import { el } from './dom.js';
import { overview } from './overview.js';
import { published } from './published.js';
import type { Section } from './section.js';
import type { CommuneYearsQuery } from '../../schema/operations/types.generated.js';
import { whatIf } from './whatif.js';
import './dashboard.css';

/** Written into the page by gateway/pages.ts (DashboardConfig there). */
interface DashboardConfig {
  signIn: SignInConfig | null;
  xlsxModule: string;
}

const config = readConfig<DashboardConfig>();
configureSignIn(config.signIn);
// Requests carry the signed-in session's token, renewed before it expires (and on a 401).
useTokens(accessToken, renew);
scheduleRenewal();

const SECTIONS: Array<Section<unknown>> = [overview, published, communes, whatIf];
const answers = new Map<string, GraphQLResult<unknown>>();

const app = document.getElementById('app')!;
const header = el('header');
const communePanel = el('section', { id: 'commune', class: 'panel', hidden: true });
const consistencyPanel = el('section', { id: 'consistency', class: 'panel', hidden: true });
const targets = SECTIONS.map((s) => el('section', { id: s.id, class: 'panel' }, el('p', { class: 'muted' }, t('app.loading'))));
const withheldNote = el('p', { id: 'withheld', class: 'muted', hidden: true });

/** The commune open in the panel (#commune/<code>), its answers and the household list chosen. */
let commune: { code: string; answer: GraphQLResult<CommuneYearsQuery> | null; households: HouseholdsAnswer | null } | null = null;
/** The consistency page open (#consistency/<code>): the findings a caseworker works through. */
let consistency: ConsistencyState | null = null;

function languageSwitch(): HTMLElement {
  return el(
    'div',
    { class: 'language', role: 'group', 'aria-label': t('app.language') },
    ...LANGUAGES.map((lang) => {
      const button = el('button', { type: 'button', id: `lang-${lang}`, lang, 'aria-pressed': String(lang === language()) }, LANGUAGE_NAMES[lang]);
      button.addEventListener('click', () => void setLanguage(lang));
      return button;
    }),
  );
}

/** Sign-in and sign-out; who is signed in. Nothing when the server has no provider configured. */
function account(): HTMLElement {
  const box = el('div', { class: 'account' });
  if (!signInAvailable()) return box;
  const session = readSession();
  if (!session) {
    const button = el('button', { type: 'button', id: 'sign-in', class: 'primary' }, t('auth.signIn'));
    button.addEventListener('click', () => void signIn(location.pathname + location.hash));
    box.append(el('span', { class: 'muted' }, t('auth.public')), button);
  } else {
    const who = [
      t('auth.roles', { roles: session.roles.join(', ') }),
      session.communes.length ? t('auth.communes', { communes: session.communes.join(', ') }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    const button = el('button', { type: 'button', id: 'sign-out' }, t('auth.signOut'));
    button.addEventListener('click', () => void signOut(location.pathname));
    box.append(el('span', { id: 'signed-in', title: who }, t('auth.signedInAs', { name: session.name ?? session.subject })), button);
  }
  return box;
}

function renderHeader(): void {
  document.title = t('app.pageTitle');
  header.replaceChildren(
    el('h1', {}, t('app.title')),
    el(
      'nav',
      {},
      ...SECTIONS.map((s) => el('a', { href: `#${s.id}` }, t(s.navKey))),
      // A caseworker's own commune's findings, one click from anywhere.
      ...(readSession()
        ?.communes.slice(0, 1)
        .map((code) => el('a', { href: `#consistency/${code}`, id: 'nav-consistency' }, t('nav.consistency'))) ?? []),
      el('a', { href: '/' }, t('app.playground')),
    ),
    el('div', { class: 'tools' }, languageSwitch(), account()),
    withheldNote,
  );
}

// Counts from 1 to 4 are withheld from the public (a small number can identify a family): the
// tables show "–" for them, and this line says how many.
function renderWithheld(): void {
  const count = [...answers.values(), commune?.answer].reduce((sum, a) => sum + (a?.withheld ?? 0), 0);
  withheldNote.hidden = count === 0;
  withheldNote.textContent = count ? t('app.withheld', { count }) : '';
}

function renderSection(i: number): void {
  const section = SECTIONS[i]!;
  const answer = answers.get(section.id);
  if (!answer) return;
  try {
    section.render(targets[i]!, answer);
  } catch (error) {
    targets[i]!.replaceChildren(el('div', { class: 'error' }, t('app.sectionFailed', { message: (error as Error).message })));
  }
}

function renderCommunePanel(): void {
  if (!commune) return;
  const { code } = commune;
  const householdsBox = renderCommune(communePanel, code, commune.answer);
  if (householdsBox) {
    const name = commune.answer?.data?.commune?.name ?? code;
    renderHouseholds(householdsBox, code, name, commune.households, (list) => void openHouseholds(code, list));
  }
}

function renderConsistencyPanel(): void {
  if (consistency) renderConsistency(consistencyPanel, consistency, (next) => void openConsistency(next));
}

/** Shows a state of the consistency page and loads its answer. */
async function openConsistency(state: ConsistencyState): Promise<void> {
  consistency = state;
  delete consistencyPanel.dataset.ready;
  renderConsistencyPanel();
  if (!readSession()) return;
  const answer = await loadConsistency(state);
  if (consistency !== state) return;
  consistency = { ...state, answer };
  renderConsistencyPanel();
  consistencyPanel.dataset.ready = 'true';
}

/** Everything again from the answers already in, in the language now chosen. */
function renderAll(): void {
  renderHeader();
  SECTIONS.forEach((_, i) => renderSection(i));
  renderCommunePanel();
  renderConsistencyPanel();
  renderWithheld();
}

/** Loads every section at once (their queries run in parallel); marks the page ready when all are in. */
async function loadAll(): Promise<void> {
  app.removeAttribute('data-ready');
  answers.clear();
  renderWithheld();
  const started = performance.now();
  await Promise.all(
    SECTIONS.map(async (section, i) => {
      try {
        answers.set(section.id, await section.load());
        renderSection(i);
      } catch (error) {
        targets[i]!.replaceChildren(el('div', { class: 'error' }, t('app.sectionFailed', { message: (error as Error).message })));
      }
      renderWithheld();
    }),
  );
  // The browser tests wait for this and read the time the data took.
  app.dataset.loadMs = String(Math.round(performance.now() - started));
  app.dataset.ready = 'true';
}

async function openHouseholds(code: string, list: HouseholdList): Promise<void> {
  if (!commune || commune.code !== code) return;
  commune.households = null;
  renderCommunePanel();
  const households = await loadHouseholds(code, list);
  if (commune?.code !== code) return;
  commune.households = households;
  renderCommunePanel();
  communePanel.dataset.households = 'ready';
}

async function route(): Promise<void> {
  const checks = /^#consistency\/(\w+)$/.exec(location.hash);
  consistencyPanel.hidden = !checks;
  if (checks) {
    consistencyPanel.scrollIntoView();
    if (consistency?.code !== checks[1]) await openConsistency(newConsistencyState(checks[1]!));
  } else {
    consistency = null;
  }
  const match = /^#commune\/(\w+)$/.exec(location.hash);
  communePanel.hidden = !match;
  if (!match) {
    commune = null;
    renderWithheld();
    return;
  }
  const code = match[1]!;
  commune = { code, answer: null, households: null };
  delete communePanel.dataset.households;
  renderCommunePanel();
  communePanel.scrollIntoView();
  const answer = await loadCommune(code);
  if (commune?.code !== code) return;
  commune.answer = answer;
  renderCommunePanel();
  renderWithheld();
  communePanel.scrollIntoView();
  if (readSession() && answer.data?.commune) await openHouseholds(code, DEFAULT_LIST);
}

app.classList.remove('loading');
renderHeader();
app.replaceChildren(header, el('main', {}, consistencyPanel, communePanel, ...targets));
window.addEventListener('hashchange', () => void route());
window.addEventListener('languagechange', renderAll);
// Signed out elsewhere (the refresh token refused): the page shows what the public sees.
window.addEventListener('sessionchange', () => {
  renderHeader();
  void loadAll();
  consistency = null;
  void route();
});
void route();
void loadAll();
