import net from 'node:net';
import type { Writable } from 'node:stream';
import { serveGateway } from '../../gateway/gateway.js';
import type { ResilienceSettings } from '../../gateway/subgraph-source.js';
import type { RunningServer } from '../../platform/http.js';
import type { TestStack } from './stack.js';

/**
 * A TCP proxy in front of one subgraph that can make it fail the ways a department's process
 * fails in production: 'pass' (healthy), 'hang' (the process is stopped, as by SIGSTOP: the
 * kernel still accepts connections, nothing ever answers), 'reset' (the process dies mid-request:
 * connections are accepted and dropped) and 'down' (nothing listens: connection refused). The
 * gateway talks to it over real HTTP, exactly as it talks to the subgraph.
 */
export class FaultProxy {
  mode: 'pass' | 'hang' | 'reset' = 'pass';
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private port = 0;

  private constructor(private target: URL) {}

  static async start(targetUrl: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(targetUrl));
    await proxy.listen();
    return proxy;
  }

  /** The subgraph's URL through the proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}${this.target.pathname}`;
  }

  /** Switches the failure; hung and open connections are dropped when the mode changes. */
  set(mode: 'pass' | 'hang' | 'reset'): void {
    this.mode = mode;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /**
   * New connections go to another process from now on (a new version of the subgraph started
   * beside the old); connections already open stay with the old one until they close.
   */
  retarget(targetUrl: string): void {
    this.target = new URL(targetUrl);
  }

  /** Stops listening: new connections are refused, as when the process is gone. */
  async down(): Promise<void> {
    this.set('reset');
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  /** Listens again on the same port, as when the process restarts. */
  async up(): Promise<void> {
    this.mode = 'pass';
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private listen(port = 0): Promise<void> {
    const server = net.createServer((client) => {
      this.sockets.add(client);
      client.on('close', () => this.sockets.delete(client));
      client.on('error', () => {});
      if (this.mode === 'reset') return void client.resetAndDestroy();
      if (this.mode === 'hang') return; // read nothing, answer nothing
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }
}

/** A free TCP port on loopback (for a server the test starts as its own process). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A second gateway over a running test stack that reaches one department through a fault
 * proxy (the stack's own gateway stays as it is), with the given timeouts: how the resilience
 * tests stop, hang or kill a department while others query.
 */
export async function gatewayBehindProxy(
  stack: Pick<TestStack, 'subgraphUrls' | 'auth'>,
  department: string,
  options: { resilience?: ResilienceSettings; logDestination: Writable },
): Promise<{ proxy: FaultProxy; gateway: RunningServer; close(): Promise<void> }> {
  const proxy = await FaultProxy.start(stack.subgraphUrls[department]!);
  const gateway = await serveGateway({
    subgraphUrls: { ...stack.subgraphUrls, [department]: proxy.url },
    port: 0,
    host: '127.0.0.1',
    auth: stack.auth,
    logDestination: options.logDestination,
    signIn: null,
    watchSupergraph: false,
    ...(options.resilience ? { resilience: options.resilience } : {}),
  });
  return {
    proxy,
    gateway,
    close: async () => {
      await gateway.close();
      await proxy.close();
    },
  };
}
