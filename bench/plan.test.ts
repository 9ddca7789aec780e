import dns from 'node:dns';
import { afterAll, describe, expect, it } from 'vitest';
import { PlanCapture } from './plan.js';

// The benchmark's own @apollo/gateway (the query plans it measures the critical path by) asks no
// host off this machine: its constructor otherwise starts Apollo's telemetry, whose GCP
// detector looks up metadata.google.internal (seen in a benchmark's output as
// MetadataLookupWarning). Every name lookup of this worker is recorded while it starts.

const lookups: string[] = [];
const lookup = dns.lookup;
(dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
  lookups.push(hostname);
  return (lookup as (...a: unknown[]) => void)(hostname, ...rest);
};
afterAll(() => {
  (dns as { lookup: unknown }).lookup = lookup;
});

describe('PlanCapture', () => {
  it('starts its gateway without looking up any host', async () => {
    new PlanCapture(new URL('../schema/supergraph.graphql', import.meta.url), {});
    // The detectors start in the background: give them time to try.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(lookups).toEqual([]);
  });
});
