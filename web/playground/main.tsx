import { GraphiQL, type GraphiQLProps } from 'graphiql';
import { createRoot } from 'react-dom/client';
import { readConfig } from '../config.js';
import 'graphiql/style.css';
import './playground.css';

/** Written into the page by gateway/pages.ts (PlaygroundConfig there). */
interface PlaygroundConfig {
  title: string;
  endpoint: string;
  examples: Array<{ name: string; query: string; variables: string }>;
  links: Array<{ href: string; label: string }>;
}

const config = readConfig<PlaygroundConfig>();

/**
 * A plain POST to this origin's /graphql with whatever the headers editor holds (for example
 * `{"Authorization": "Bearer ..."}`). Our own fetcher rather than @graphiql/toolkit's: no
 * subscriptions or multipart here, and nothing else to bundle.
 */
const fetcher: GraphiQLProps['fetcher'] = async (params, options) => {
  const response = await fetch(config.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...filledIn(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return response.json();
};

/**
 * The headers editor starts with an `Authorization: Bearer ` template to paste a token into;
 * until one is pasted, the template (or any empty header) is not sent.
 */
const HEADERS_TEMPLATE = '{\n  "Authorization": "Bearer "\n}';
function filledIn(headers: Record<string, unknown>): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = String(value ?? '').trim();
    if (text && !/^bearer$/i.test(text)) sent[name] = text;
  }
  return sent;
}

// One tab per dashboard operation, with its example variables.
const tabs = config.examples.map((example) => ({ query: example.query, variables: example.variables, headers: HEADERS_TEMPLATE }));
const first = tabs[0];

function Playground() {
  return (
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={first ? tabs : undefined}
      // GraphiQL 4 fills the editors from these props, not from the first default tab (whose
      // variables would otherwise show empty), so the first tab is passed twice.
      query={first?.query}
      variables={first?.variables}
      defaultHeaders={HEADERS_TEMPLATE}
      defaultEditorToolsVisibility="variables"
      isHeadersEditorEnabled
      // A token typed into the headers editor stays in this tab, never in localStorage.
      shouldPersistHeaders={false}
      defaultTheme="light"
    >
      <GraphiQL.Logo>
        <span className="pg-title">{config.title}</span>
        {config.links.map((link) => (
          <a key={link.href} className="pg-link" href={link.href}>
            {link.label}
          </a>
        ))}
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
