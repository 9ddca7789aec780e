import dns from 'node:dns';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOperations } from '../platform/operations.js';
import { startTestStack, type TestStack } from './support/stack.js';

// Nothing the graph runs may call a host outside this machine: no Apollo telemetry or usage
// reporting, no cloud metadata lookups. @apollo/gateway 2.14 starts a metrics exporter to
// Apollo, with AWS, GCP, Azure and Alibaba resource detectors that ask their metadata
// addresses, unless APOLLO_TELEMETRY_DISABLED is set (gateway/gateway.ts sets it). Every socket
// connect and name lookup of this process is recorded while the whole graph starts and answers.

const connects: string[] = [];
const lookups: string[] = [];
// Kept to be put back and called with the socket as `this` (apply below).
// eslint-disable-next-line @typescript-eslint/unbound-method
const connect = net.Socket.prototype.connect;
const lookup = dns.lookup;

function isLocal(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.') || host === '::ffff:127.0.0.1' || host === '';
}

let stack: TestStack;
beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const [first] = args;
    const options = (Array.isArray(first) ? first[0] : first) as { host?: string; path?: string } | number | string;
    if (typeof options === 'object' && options !== null && !options.path) connects.push(String(options.host ?? 'localhost'));
    else if (typeof options === 'number') connects.push(typeof args[1] === 'string' ? args[1] : 'localhost');
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  (dns as { lookup: unknown }).lookup = function (hostname: string, ...rest: unknown[]) {
    lookups.push(hostname);
    return (lookup as (...a: unknown[]) => void)(hostname, ...rest);
  };
  stack = await startTestStack();
});

afterAll(async () => {
  net.Socket.prototype.connect = connect;
  (dns as { lookup: unknown }).lookup = lookup;
  await stack?.close();
});

describe('the graph calls no host outside this machine', () => {
  it('while it starts and answers the dashboard operations', async () => {
    for (const op of loadOperations()) await stack.query(op.document, op.variables);
    // The detectors and exporters start in the background: give them time to try.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(connects.length).toBeGreaterThan(0);
    expect(connects.filter((host) => !isLocal(host))).toEqual([]);
    expect(lookups.filter((host) => !isLocal(host))).toEqual([]);
  });
});
