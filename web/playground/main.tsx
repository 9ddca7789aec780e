import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { accessToken, configureSignIn, renew, scheduleRenewal, signIn, signInAvailable, signOut, type SignInConfig } from '../auth/session.js';
import { readSession } from '../auth/tokens.js';
import { readConfig } from '../config.js';
import { LANGUAGE_NAMES, LANGUAGES, language, setLanguage, t } from '../i18n.js';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './playground.css';

/** Written into the page by platform/pages.ts (PlaygroundConfig there). */
interface PlaygroundConfig {
  title: string;
  endpoint: string;
  examples: Array<{ name: string; query: string; variables: string }>;
  links: Array<{ href: string; labelKey: string }>;
  /** The gateway's playground signs in; a subgraph's has none (its headers editor takes a token). */
  signIn: SignInConfig | null;
}

const config = readConfig<PlaygroundConfig>();
configureSignIn(config.signIn);
scheduleRenewal();

/**
 * A plain POST to this origin's /graphql. Signed in, the session's token goes as
 * `Authorization: Bearer ...` (renewed first when it has expired; once more after a 401),
 * unless the headers editor names an Authorization of its own. Our own fetcher rather than
 * @graphiql/toolkit's: no subscriptions or multipart here, and nothing else to bundle.
 */
const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const typed = filledIn(options?.headers ?? {});
  const send = async () => {
    const token = Object.keys(typed).some((h) => h.toLowerCase() === 'authorization') ? '' : await accessToken();
    return fetch(config.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...typed },
      body: JSON.stringify(params),
    });
  };
  let response = await send();
  if (response.status === 401 && readSession() && (await renew())) response = await send();
  return response.json();
};

/** Headers typed into the editor, without empty ones. */
function filledIn(headers: Record<string, unknown>): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a header editor's value: text or a number
    const text = String(value ?? '').trim();
    if (text && !/^bearer$/i.test(text)) sent[name] = text;
  }
  return sent;
}

// One tab per dashboard operation, with its example variables.
const tabs = config.examples.map((example) => ({ query: example.query, variables: example.variables }));
const first = tabs[0];
// The explorer: the schema as a tree of fields to tick, which writes the query as you click.
const plugins = [explorerPlugin({ showAttribution: false })];

function Account() {
  const [, rerender] = useState(0);
  useEffect(() => {
    const update = () => rerender((n) => n + 1);
    window.addEventListener('languagechange', update);
    window.addEventListener('sessionchange', update);
    return () => {
      window.removeEventListener('languagechange', update);
      window.removeEventListener('sessionchange', update);
    };
  }, []);
  const session = readSession();
  return (
    <span className="pg-account">
      {LANGUAGES.map((lang) => (
        <button key={lang} type="button" id={`lang-${lang}`} className="pg-button" aria-pressed={lang === language()} onClick={() => void setLanguage(lang)}>
          {LANGUAGE_NAMES[lang]}
        </button>
      ))}
      {config.links.map((link) => (
        <a key={link.href} className="pg-link" href={link.href}>
          {t(link.labelKey)}
        </a>
      ))}
      {signInAvailable() &&
        (session ? (
          <>
            <span id="signed-in" title={session.name ?? session.subject}>
              {t('auth.signedInAs', { name: session.name ?? session.subject })}
            </span>
            <button type="button" id="sign-out" className="pg-button" onClick={() => void signOut('/')}>
              {t('auth.signOut')}
            </button>
          </>
        ) : (
          <button type="button" id="sign-in" className="pg-button" onClick={() => void signIn('/')}>
            {t('auth.signIn')}
          </button>
        ))}
    </span>
  );
}

function Playground() {
  return (
    <GraphiQL
      fetcher={fetcher}
      plugins={plugins}
      defaultTabs={first ? tabs : undefined}
      // GraphiQL 4 fills the editors from these props, not from the first default tab (whose
      // variables would otherwise show empty), so the first tab is passed twice.
      query={first?.query}
      variables={first?.variables}
      defaultEditorToolsVisibility="variables"
      isHeadersEditorEnabled
      // Headers typed into the editor stay in this tab, never in localStorage.
      shouldPersistHeaders={false}
      defaultTheme="light"
    >
      <GraphiQL.Logo>
        <span className="pg-title" title={config.title}>
          {config.title}
        </span>
        <Account />
      </GraphiQL.Logo>
    </GraphiQL>
  );
}

const root = document.getElementById('root');
if (root) {
  root.classList.remove('loading');
  root.textContent = '';
  createRoot(root).render(<Playground />);
}
