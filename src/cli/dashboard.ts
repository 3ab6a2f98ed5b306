import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { maskText } from '../config/secrets.js';
import type { StateStore } from '../state/state-store.js';
import {
  appendFleetLog,
  FLEET_KEYS,
  FLEET_SETTING_TTL_MS,
  type FleetSnapshot,
  type ModeRecord,
  type OptionStatus,
  readFleetState,
  readKnownModes,
  readMode,
  readRollout,
  type RolloutRecord,
} from '../state/fleet-state.js';
import type { HealthReport } from '../stack/health.js';
import { readFleetMetrics } from '../stack/fleet-metrics-report.js';
import { dashboardPage } from './dashboard-page.js';
import { parseSince } from './metrics-command.js';
import { VoiceStackError } from '../errors/index.js';

export interface DashboardOptions {
  /** Where the fleet's state is read and written. */
  store: StateStore;
  /** @default 8089 (0: a free port) */
  port?: number;
  /** Interface to bind. Anything but loopback exposes the page (and, with the token, the switches) to the network. @default '127.0.0.1' */
  host?: string;
  /**
   * Host names (or addresses) the page may be opened under, besides the loopback names and a bound IP address. Requests
   * with any other `Host` header are refused (DNS rebinding). Required when `host` is a wildcard (`0.0.0.0`, `::`).
   * @default []
   */
  allowedHosts?: readonly string[];
  /** The token that authorises `GET /api/health`, `POST /api/mode` and `POST /api/rollout`. @default a random one (see `token` on the result) */
  token?: string;
  /** Mode names a write may set; others are refused with 400. @default any name */
  modes?: readonly string[];
  /**
   * Probes the options on demand (`GET /api/health`, the page's "Check health" button): the `doctor` probes. Concurrent
   * requests share one run, and its report answers requests for {@link HEALTH_REUSE_MS} after it.
   */
  health?: () => Promise<HealthReport>;
}

export interface Dashboard {
  /** `http://127.0.0.1:8089/` */
  readonly url: string;
  /** The write token (given or generated). */
  readonly token: string;
  close(): Promise<void>;
}

const MODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '::1'];
/** A report this fresh answers the next requests too (a burst of clicks or scripts makes one probe). */
export const HEALTH_REUSE_MS = 2_000;
const WILDCARDS = ['0.0.0.0', '::', ''];
/** Sent with every answer: the page may not be framed (clickjacking the switches). */
const NO_FRAMING = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" };

/**
 * Serves the fleet dashboard: one page (`/`) and its JSON API, read from and written to the store.
 * `GET /api/state` (the {@link readFleetState} snapshot), `GET /api/metrics?since=15m&minTurns=30` (the modes compared, as
 * `livekit-voice-stack metrics --json` prints them), `GET /api/health` (the probes, on demand),
 * `POST /api/mode` `{ mode }` and `POST /api/rollout` `{ mode, percent }`. Everything that writes or calls a provider
 * needs the token (401 without it, 403 with a wrong one), in `Authorization: Bearer …`; the page takes it from its
 * URL's `#token=` fragment, which no request carries. Requests whose `Host` is not a loopback name, the bound address or
 * one of `allowedHosts` are refused (DNS rebinding), on every bind; no answer may be framed.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const token = options.token ?? randomBytes(18).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const allowedHosts = new Set(
    [...LOOPBACK_NAMES, ...(WILDCARDS.includes(host) ? [] : [host]), ...(options.allowedHosts ?? [])].map(hostName),
  );
  if (WILDCARDS.includes(host) && !options.allowedHosts?.length)
    throw new VoiceStackError(
      'INVALID_USE',
      `Failed to start the dashboard: binding ${host || 'every interface'} needs the host names it is opened under. Fix: pass allowedHosts (--allow-host dashboard.internal,10.0.0.5), or bind one address with --host`,
    );
  const { store } = options;
  // One probe at a time: concurrent requests share its report (each run builds a stack and calls every provider).
  let probing: Promise<HealthReport> | undefined;
  let recent: { report: HealthReport; at: number } | undefined;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      // A probe's error may quote a provider's answer: masked like every other output.
      if (!response.headersSent) send(response, 500, { error: maskText(`Failed to answer: ${(error as Error)?.message ?? error}.`) });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://dashboard');
    if (!allowedHosts.has(hostName(request.headers.host ?? '')))
      return send(response, 403, {
        error: `Failed to serve: unexpected Host header. Fix: open the dashboard at http://127.0.0.1:<port>/, or allow its name with --allow-host.`,
      });
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /':
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'x-frame-options': 'DENY',
          'content-security-policy':
            "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
          'referrer-policy': 'no-referrer',
        });
        response.end(dashboardPage);
        return;
      case 'GET /api/state':
        return send(response, 200, dashboardState(store));
      case 'GET /api/metrics': {
        const since = url.searchParams.get('since');
        const sinceMs = since === null ? 15 * 60_000 : parseSince(since);
        if (sinceMs === undefined)
          return send(response, 400, {
            error: 'Failed to read the metrics: "since" is not a duration from 1s to 48h. Fix: e.g. ?since=15m.',
          });
        const minTurns = Number(url.searchParams.get('minTurns') ?? 30);
        if (!Number.isInteger(minTurns) || minTurns < 1)
          return send(response, 400, {
            error: 'Failed to read the metrics: "minTurns" is not a whole number from 1. Fix: e.g. ?minTurns=30.',
          });
        return send(response, 200, await readFleetMetrics(store, { sinceMs, minTurns }));
      }
      case 'GET /api/health': {
        // Probes call providers (and cost money): the token, as for writes; an <img> elsewhere cannot send it.
        const denied = authorise(request.headers.authorization, token, 'probe the providers');
        if (denied) return send(response, denied.status, { error: denied.error });
        if (!options.health)
          return send(response, 404, {
            error: 'Failed to probe: no config was given. Fix: start the dashboard with --config or the env of doctor.',
          });
        if (recent && performance.now() - recent.at < HEALTH_REUSE_MS) return send(response, 200, recent.report);
        probing ??= options
          .health()
          .then((report) => ((recent = { report, at: performance.now() }), report))
          .finally(() => (probing = undefined));
        return send(response, 200, await probing);
      }
      case 'POST /api/mode':
      case 'POST /api/rollout': {
        const denied = authorise(request.headers.authorization, token);
        if (denied) return send(response, denied.status, { error: denied.error });
        const body = await readJson(request);
        if (body instanceof Error) return send(response, 400, { error: body.message });
        return route === 'POST /api/mode' ? setMode(response, body) : setRollout(response, body);
      }
      default:
        return send(response, 404, {
          error: `Failed to find ${route}. Fix: use GET /, GET /api/state, GET /api/metrics, GET /api/health, POST /api/mode or POST /api/rollout.`,
        });
    }
  }

  function modeProblem(mode: unknown): string | undefined {
    if (typeof mode !== 'string' || !MODE_NAME.test(mode)) return 'expected "mode" to be a mode name (letters, digits, "_", "-", ".")';
    // The modes the fleet's controllers registered in the store, unless --modes narrows them.
    const known = options.modes ?? readKnownModes(store);
    if (known.length > 0 && !known.includes(mode))
      return `unknown mode "${mode}". Fix: use one of ${known.map((name) => `"${name}"`).join(', ')}`;
    return undefined;
  }

  async function setMode(response: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const problem = modeProblem(body.mode);
    if (problem) return send(response, 400, { error: `Failed to set the mode: ${problem}.` });
    const from = readMode(store)?.mode;
    const record: ModeRecord = { mode: body.mode as string, at: Date.now(), by: 'dashboard' };
    await store.set(FLEET_KEYS.mode, record, FLEET_SETTING_TTL_MS);
    await appendFleetLog(store, { kind: 'mode', ...(from && { from }), to: record.mode });
    send(response, 200, dashboardState(store));
  }

  async function setRollout(response: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const problem = modeProblem(body.mode);
    if (problem) return send(response, 400, { error: `Failed to set the rollout: ${problem}.` });
    const percent = body.percent;
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100)
      return send(response, 400, {
        error:
          'Failed to set the rollout: expected "percent" to be a number from 0 to 100. Fix: e.g. { "mode": "realtime", "percent": 10 }.',
      });
    const next: Record<string, number> = {
      ...readRollout(store)?.percent,
      [body.mode as string]: percent,
    };
    if (percent === 0) delete next[body.mode as string];
    const total = Object.values(next).reduce((sum, share) => sum + share, 0);
    if (total > 100)
      return send(response, 400, {
        error: `Failed to set the rollout: the shares would add up to ${total} %. Fix: lower another mode's share first.`,
      });
    const record: RolloutRecord = { percent: next, at: Date.now(), by: 'dashboard' };
    await store.set(FLEET_KEYS.rollout, record, FLEET_SETTING_TTL_MS);
    await appendFleetLog(store, { kind: 'rollout', to: `${body.mode as string} ${percent}%` });
    send(response, 200, dashboardState(store));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8089, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/`,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** What `GET /api/state` answers. */
export interface DashboardState extends FleetSnapshot {
  /** One per option (its chain's cooldown and the fleet log's status may both name it), with every state it is in. */
  options: (OptionStatus & { states: OptionStatus['state'][] })[];
  /** The `mode` option of the fleet's controllers: what new calls get while `mode` is not set. */
  configuredMode: string | undefined;
}

/** The store's snapshot, one row per option (the worst state, the latest `until`), and the controllers' configured mode. */
export function dashboardState(store: StateStore): DashboardState {
  const snapshot = readFleetState(store);
  const rows = new Map<string, DashboardState['options'][number]>();
  for (const status of snapshot.options) {
    const id = `${status.modality ?? ''}:${status.label}`;
    const row = rows.get(id);
    if (!row) {
      rows.set(id, { ...pick(status), states: [status.state] });
      continue;
    }
    if (!row.states.includes(status.state)) row.states.push(status.state);
    if (status.until > row.until) Object.assign(row, pick(status), { states: row.states });
  }
  const options = [...rows.values()].map((row) => ({ ...row, states: row.states.sort() }));
  const configured = store.get<unknown>(FLEET_KEYS.configuredMode);
  return { ...snapshot, options, configuredMode: typeof configured === 'string' ? configured : undefined };
}

/** The fields the page shows (a chain's cooldown entry carries more). */
function pick({ label, modality, state, reason, status, until }: OptionStatus): OptionStatus {
  return { label, ...(modality !== undefined && { modality }), state, reason, ...(status !== undefined && { status }), until };
}

function authorise(header: string | undefined, token: string, what = 'change the fleet'): { status: 401 | 403; error: string } | undefined {
  const given = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim();
  if (!given)
    return {
      status: 401,
      error: `Failed to ${what}: no token. Fix: send "Authorization: Bearer <token>" (printed when the dashboard started).`,
    };
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b))
    return { status: 403, error: `Failed to ${what}: wrong token. Fix: use the token printed when the dashboard started.` };
  return undefined;
}

/** `Example.com:8089` → `example.com`; `[::1]:8089` → `::1`. */
function hostName(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(header);
  if (bracketed) return bracketed[1]!.toLowerCase();
  // A bare IPv6 address (an allow-list entry) has several colons: no port to strip.
  return (header.split(':').length > 2 ? header : header.replace(/:\d*$/, '')).toLowerCase().replace(/\.$/, '');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...NO_FRAMING });
  response.end(json);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown> | Error> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 16_384) return new Error('Failed to read the request: the body is larger than 16 KB. Fix: send a small JSON object.');
    chunks.push(chunk);
  }
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  return new Error('Failed to read the request: the body is not a JSON object. Fix: send e.g. { "mode": "pipeline" }.');
}
