/** The JSON the server writes into the page's <script id="config"> (platform/pages.ts). */
export function readConfig<T>(): T {
  const text = document.getElementById('config')?.textContent ?? '{}';
  return JSON.parse(text) as T;
}
