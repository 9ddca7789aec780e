import fs from 'node:fs';
import { projectUrl } from './paths.js';

// The files live in schema/operations/ (the contract between the pages and the graph); the reader
// lives here because the playgrounds of the gateway and of every subgraph use it, and platform/
// imports nothing from schema/ (tests/unit/import-graph.test.ts).
export const OPERATIONS_DIR = projectUrl('schema/operations/');

export interface DashboardOperation {
  name: string;
  document: string;
  /** Example variables, from the file's `Variables: {...}` comment. */
  variables: Record<string, unknown>;
}

/** The dashboard operations in schema/operations/, each with its example variables. */
export function loadOperations(): DashboardOperation[] {
  return fs
    .readdirSync(OPERATIONS_DIR)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const document = fs.readFileSync(new URL(file, OPERATIONS_DIR), 'utf8');
      const match = /Variables:\s*(\{.*\})\s*$/m.exec(document);
      return { name: file.replace(/\.graphql$/, ''), document, variables: match ? (JSON.parse(match[1]!) as Record<string, unknown>) : {} };
    });
}
