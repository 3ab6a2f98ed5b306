import { http, HttpResponse, type HttpHandler } from 'msw';
import { sleep } from './sleep.js';
import { ScenarioQueue } from './scenario-queue.js';

type Modality = 'stt' | 'llm' | 'tts';

/** One provider record as the backend stores it. */
export interface ProviderRecordFixture {
  provider: string;
  config?: Record<string, unknown>;
  secrets?: Record<string, unknown>;
  /** Higher is tried first. @default 0 */
  priority?: number;
  /** @default true */
  isEnabled?: boolean;
}

/** One scripted behaviour of the backend. Unset fields fall back to the normal answer. */
export interface ProviderBackendScenario {
  /** Apply only to this organisation. @default every organisation */
  orgId?: string;
  /** Apply only to this modality. @default every modality */
  type?: Modality;
  /** How many requests it answers before it is used up. @default Infinity */
  times?: number;
  /** Answer with this HTTP status. */
  status?: number;
  /** Answer with this JSON body instead of the organisation's records (e.g. a malformed one). */
  body?: unknown;
  /** Wait this long before answering, in ms. */
  delayMs?: number;
  /** Reset the connection. */
  reset?: boolean;
}

/** A request that reached the backend mock. */
export interface ProviderBackendRequest {
  orgId: string | undefined;
  type: string | null;
  authorization: string | undefined;
  at: number;
}

export interface MockProviderBackendOptions {
  /** The backend's base URL, as given to `createProviderResolver({ url })`. */
  url: string;
  /** Each organisation's records per modality; unknown organisations get empty lists. Mutable: edit to change answers. */
  orgs?: Record<string, Partial<Record<Modality, ProviderRecordFixture[]>>>;
  /** The bearer token to require; other tokens get a 401. @default no check */
  apiKey?: string;
}

export interface MockProviderBackend {
  readonly url: string;
  /** Pass to `setupServer(...backend.handlers)`. */
  readonly handlers: HttpHandler[];
  /** Every request, in order. */
  readonly requests: ProviderBackendRequest[];
  /** Each organisation's records (edit them to change later answers). */
  readonly orgs: Record<string, Partial<Record<Modality, ProviderRecordFixture[]>>>;
  /** Queues scenarios; the first that matches a request (and is not used up) answers it. */
  use(...scenarios: ProviderBackendScenario[]): MockProviderBackend;
  /** Requests for one organisation (and modality). */
  requestsFor(orgId: string, type?: Modality): ProviderBackendRequest[];
  /** Forgets scenarios and recorded requests. */
  reset(): void;
}

/**
 * Mocks the organisation provider backend of `createProviderResolver()` with msw:
 * `GET {url}/api/providers/organization/enabled?type=stt|tts|llm`, keyed by `X-Organization-Id`.
 *
 * @example
 * const backend = mockProviderBackend({ url: 'https://api.acme.test', orgs: { acme: { llm: [{ provider: 'openai', config: { model: 'gpt-4.1-mini' }, secrets: { apiKey: 'sk-…' }, priority: 10 }] } } });
 * backend.use({ status: 503, times: 1 });
 * const server = setupServer(...backend.handlers);
 */
export function mockProviderBackend(options: MockProviderBackendOptions): MockProviderBackend {
  const base = options.url.replace(/\/+$/, '');
  const orgs = options.orgs ?? {};
  const queue = new ScenarioQueue<ProviderBackendScenario>();
  const requests: ProviderBackendRequest[] = [];

  const backend: MockProviderBackend = {
    url: base,
    requests,
    orgs,
    use(...scenarios) {
      queue.push(scenarios);
      return backend;
    },
    requestsFor: (orgId, type) => requests.filter((request) => request.orgId === orgId && (type === undefined || request.type === type)),
    reset() {
      queue.clear();
      requests.length = 0;
    },
    handlers: [
      http.get(`${base}/api/providers/organization/enabled`, async ({ request }) => {
        const orgId = request.headers.get('x-organization-id') ?? undefined;
        const type = new URL(request.url).searchParams.get('type');
        const authorization = request.headers.get('authorization') ?? undefined;
        requests.push({ orgId, type, authorization, at: Date.now() });
        const scenario = queue.take(
          (candidate) =>
            (candidate.orgId === undefined || candidate.orgId === orgId) && (candidate.type === undefined || candidate.type === type),
        );
        if (scenario?.delayMs) await sleep(scenario.delayMs, request.signal);
        if (scenario?.reset) return HttpResponse.error();
        if (scenario?.status) return HttpResponse.json({ error: `Mock error ${scenario.status}` }, { status: scenario.status });
        if (options.apiKey !== undefined && authorization !== `Bearer ${options.apiKey}`) {
          return HttpResponse.json({ error: 'Unauthorized' }, { status: 401 });
        }
        if (!orgId) return HttpResponse.json({ error: 'Missing X-Organization-Id' }, { status: 400 });
        if (type !== 'stt' && type !== 'llm' && type !== 'tts') return HttpResponse.json({ error: 'Unknown type' }, { status: 400 });
        if (scenario && 'body' in scenario) return HttpResponse.json(scenario.body as never);
        const records = orgs[orgId]?.[type] ?? [];
        return HttpResponse.json(records.map((record) => ({ priority: 0, isEnabled: true, ...record })));
      }),
    ],
  };
  return backend;
}
