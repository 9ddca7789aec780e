import http from 'node:http';

// One keep-alive agent for every request this process makes outside autocannon (the
// differential check, the query plan's fetches replayed): a closed-loop client reuses its
// connection like autocannon's do, so neither side pays a TCP handshake per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface RawResponse {
  status: number;
  body: string;
}

/**
 * POSTs a body and reads the whole answer. A request sent on a kept-alive socket that the
 * server closed meanwhile (its keep-alive timeout ran out while the client waited on another
 * fetch of the plan) fails with ECONNRESET before anything was processed; it is sent again once,
 * as Node's documentation advises (`request.reusedSocket`). Every request here is a query.
 */
export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
  try {
    return await send(url, body, headers);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') return send(url, body, headers);
    throw error;
  }
}

function send(url: string, body: string, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('error', (error) => reject(Object.assign(error, { reusedSocket: request.reusedSocket })));
    request.end(body);
  });
}

export interface GraphQLResult {
  /** Typed by the caller that knows the operation (schema/operations/types.generated.ts); unknown here. */
  data?: unknown;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

export async function postGraphQL(
  url: string,
  payload: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string>,
): Promise<{ status: number; body: string; json: GraphQLResult }> {
  const response = await postRaw(url, JSON.stringify(payload), headers);
  let json: GraphQLResult;
  try {
    json = JSON.parse(response.body) as GraphQLResult;
  } catch {
    throw new Error(`${url} answered HTTP ${response.status} with a body that is not JSON: ${response.body.slice(0, 300)}`);
  }
  return { ...response, json };
}

export function closeAgent(): void {
  agent.destroy();
}
