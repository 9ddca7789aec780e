import { errorCodeOf } from './errors.js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';

// OpenTelemetry tracing, off unless an OTLP endpoint is configured.
//
// Spans are made by hand (an Apollo plugin in observability.ts, the gateway's data source)
// rather than by module-patching auto-instrumentation: our code is ESM run through tsx, where
// patching `http` or `graphql` on import is not dependable. The trace context travels from the
// gateway to each subgraph in the W3C `traceparent` header, injected and extracted here.
//
// Off (no endpoint), nothing of the SDK is even loaded: `startTracing` returns undefined, the
// per-request helpers below find no tracer and return at once, and the OpenTelemetry API (which
// @apollo/gateway loads anyway for its own spans) stays on its no-op default.

/** Every service of the graph reports under this namespace (the `service.namespace` resource attribute). */
export const SERVICE_NAMESPACE = 'hanoi-poverty-graph';

/**
 * Where spans go: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as given, else
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces` (the OTLP/HTTP convention); undefined (tracing
 * off) when neither is set.
 */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (base) return `${base.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** The process's tracing while it runs. */
export interface Tracing {
  /** The OTLP/HTTP URL spans are sent to. */
  readonly endpoint: string;
  /** The tracer of one service of the graph (`gateway`, `registry`, ...). */
  tracer(service: string): Tracer;
  /** Sends every finished span now. */
  forceFlush(): Promise<void>;
  /** Sends what is left and stops; the process is untraced afterwards. */
  shutdown(): Promise<void>;
}

let active: Tracing | undefined;

/**
 * Starts tracing for this process when an OTLP endpoint is configured; otherwise does nothing
 * and returns undefined.
 *
 * Each service of the graph reports under its own `service.name` (one tracer provider per
 * service, all sending to the same endpoint), whether it runs alone (the production topology) or
 * beside the others in the one process of `npm start`: a trace then reads the same in both,
 * gateway -> registry -> credit. `processService` is the service whose provider becomes the
 * process's global one, which library spans use (@apollo/gateway's own `gateway.plan`,
 * `gateway.fetch`, ...): `gateway` wherever the gateway runs, else the subgraph's name.
 */
export async function startTracing(processService: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing | undefined> {
  const endpoint = tracesEndpoint(env);
  if (!endpoint) return undefined;
  if (active) throw new Error('tracing is already started in this process');
  const [
    { TracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { defaultResource, resourceFromAttributes },
    { W3CTraceContextPropagator },
    { AsyncLocalStorageContextManager },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/core'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const providers = new Map<string, InstanceType<typeof TracerProvider>>();
  const providerOf = (service: string) => {
    let provider = providers.get(service);
    if (!provider) {
      provider = new TracerProvider({
        resource: defaultResource().merge(resourceFromAttributes({ 'service.name': service, 'service.namespace': SERVICE_NAMESPACE })),
        // The exporter speaks OTLP/HTTP with JSON bodies; OTEL_EXPORTER_OTLP_HEADERS and
        // OTEL_EXPORTER_OTLP_TIMEOUT still apply.
        spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: endpoint }) })],
      });
      providers.set(service, provider);
    }
    return provider;
  };
  // Async context, so that a span started around an await is the parent of spans begun inside it.
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(providerOf(processService));
  const tracers = new Map<string, Tracer>();
  const tracing: Tracing = {
    endpoint,
    tracer(service) {
      let tracer = tracers.get(service);
      if (!tracer) tracers.set(service, (tracer = providerOf(service).getTracer(SERVICE_NAMESPACE)));
      return tracer;
    },
    forceFlush: async () => {
      await Promise.all([...providers.values()].map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      if (active !== tracing) return;
      active = undefined;
      await Promise.all([...providers.values()].map((p) => p.shutdown()));
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
  active = tracing;
  return tracing;
}

/** The tracer of `service` while tracing runs, else undefined: the cheap check every hook makes. */
export function activeTracer(service: string): Tracer | undefined {
  return active?.tracer(service);
}

/** Reads a traceparent from Apollo's HeaderMap (a Map with lower-case names). */
const headerMapGetter: TextMapGetter<Map<string, string>> = {
  get: (carrier, key) => carrier.get(key.toLowerCase()),
  keys: (carrier) => [...carrier.keys()],
};

// The server span of each GraphQL request, by the request's context value: the gateway runs its
// execution inside it, so that the fetches to subgraphs (and @apollo/gateway's own spans) are
// its children.
const requestSpans = new WeakMap<object, Span>();

/**
 * Starts the server span of one GraphQL request in `service`, continuing the trace of the
 * caller's `traceparent` header when there is one. Undefined when tracing is off.
 */
export function startRequestSpan(service: string, headers: Map<string, string> | undefined, contextValue: object, attributes: Attributes): Span | undefined {
  const tracer = activeTracer(service);
  if (!tracer) return undefined;
  const parent = headers ? propagation.extract(ROOT_CONTEXT, headers, headerMapGetter) : ROOT_CONTEXT;
  // Renamed to "query Name" once the operation is known (see nameRequestSpan).
  const span = tracer.startSpan('graphql request', { kind: SpanKind.SERVER, attributes }, parent);
  requestSpans.set(contextValue, span);
  return span;
}

/** Names the span after the operation, as the OpenTelemetry GraphQL conventions do: `query Name`. */
export function nameRequestSpan(span: Span | undefined, operationType: string | undefined, operationName: string | undefined): void {
  if (!span) return;
  if (operationType) span.setAttribute('graphql.operation.type', operationType);
  if (operationName) span.setAttribute('graphql.operation.name', operationName);
  span.updateName([operationType ?? 'graphql', operationName].filter(Boolean).join(' '));
}

/** Ends a request's span, marked as an error when the response carries errors. */
export function endRequestSpan(span: Span | undefined, errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> | undefined): void {
  if (!span) return;
  if (errors?.length) {
    span.setAttribute('graphql.errors.count', errors.length);
    span.setAttribute('graphql.errors.codes', [...new Set(errors.map((e) => errorCodeOf(e)))]);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]!.message });
  }
  span.end();
}

/** Runs `fn` with the request's span active (when there is one), so that spans begun inside are its children. */
export function inRequestSpan<T>(contextValue: object, fn: () => T): T {
  const span = requestSpans.get(contextValue);
  return span ? context.with(trace.setSpan(context.active(), span), fn) : fn();
}

/**
 * Runs one outgoing call (the gateway's fetch to a subgraph) in a client span of `service`,
 * a child of the active span. Inside `fn`, `injectTraceContext` writes that span's traceparent.
 */
export async function withClientSpan<T>(
  service: string,
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  failed?: (result: T) => string | undefined,
): Promise<T> {
  const tracer = activeTracer(service);
  if (!tracer) return fn();
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  try {
    const result = await context.with(trace.setSpan(context.active(), span), fn);
    const failure = failed?.(result);
    if (failure) span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    return result;
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

/** Writes the active span's `traceparent` (W3C trace context) into outgoing headers. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  if (!active) return;
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
