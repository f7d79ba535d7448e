import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Alert } from '../../alerts/alert.ts';
import type { Finding } from '../../detectors/finding.ts';

/** A request as a loopback receiver saw it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/** An HTTP server on 127.0.0.1 with a port chosen by the system, recording every request. */
export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

export async function startReceiver(handler: Handler): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      void Promise.resolve(handler(request, response)).catch(() => {
        response.statusCode = 500;
        response.end();
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends a response with a status and a JSON body. */
export function reply(response: ServerResponse, status: number, body: unknown = {}): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/** Builds a high-severity alert with one finding for `principal`. */
export function sampleAlert(principal: string, overrides: Partial<Alert> = {}): Alert {
  const timestamp = Date.now();
  const finding: Finding = {
    detector: 'new-route',
    score: 0.9,
    timestampMs: timestamp - 1000,
    explanation: `${principal} called GET /rest/api/2/search for the first time`,
    evidence: { route: '/rest/api/2/search', host: 'jira.corp', method: 'GET', seenRoutes: 4 },
    eventIds: ['evt-1'],
  };
  return {
    id: `alert-${principal}-${timestamp}`,
    timestamp,
    principal,
    credential: `fp-${principal}`,
    severity: 'high',
    risk: 0.87,
    windowStartMs: timestamp - 300_000,
    windowEndMs: timestamp,
    baselineVersion: 3,
    findings: [finding],
    sourceIps: ['203.0.113.7'],
    ...overrides,
  };
}
