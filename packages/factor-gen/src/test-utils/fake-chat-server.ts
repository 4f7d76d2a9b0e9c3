/**
 * A scripted OpenAI-compatible chat-completions server for tests, on 127.0.0.1 and an ephemeral
 * port. Each request takes the next step of the script; requests beyond it get a 500. Records
 * every request (method, path, headers, parsed body) so tests can check what the client sent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChatClient, type ChatClientOptions, createChatClient } from '../chat-client.js';

export type FakeStep =
  /** A normal answer whose first choice says `content`. */
  | { reply: string; model?: string; delayMs?: number }
  /** A raw answer (bytes as given: a `Uint8Array` body may be anything, e.g. not UTF-8). */
  | { status: number; body?: string | Uint8Array; headers?: Record<string, string>; delayMs?: number }
  /** Headers then a body dribbled out slower than any sane timeout. */
  | { hang: true }
  /** A 200 whose body never ends: `chunk` written again every `intervalMs` (default 0: as fast as it drains). */
  | { stream: string; intervalMs?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface FakeChatServer {
  /** Base URL to give the client, e.g. `http://127.0.0.1:41234/v1`. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** Appends steps to the script. */
  push(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

/** A chat-completions JSON body whose first choice says `content`. */
export function chatBody(content: string, model = 'fake-model'): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
  });
}

export async function startFakeChatServer(steps: FakeStep[] = []): Promise<FakeChatServer> {
  const script = [...steps];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const step = script.shift();
      if (step === undefined) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"fake server: script exhausted"}}');
        return;
      }
      if ('hang' in step) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"choices":');
        return; // never finishes; closed by close()
      }
      if ('stream' in step) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const pump = () => {
          if (res.destroyed || res.writableEnded) return;
          // Write until the socket pushes back, then wait for it to drain (or the next tick).
          while (res.write(step.stream)) {
            if (step.intervalMs) break;
          }
          if (step.intervalMs) later(step.intervalMs, pump);
          else res.once('drain', pump);
        };
        res.on('close', () => res.removeAllListeners('drain'));
        pump();
        return;
      }
      const send = () => {
        if ('reply' in step) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(chatBody(step.reply, step.model));
        } else {
          res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
          res.end(step.body ?? '');
        }
      };
      if (step.delayMs) later(step.delayMs, send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...s) => script.push(...s),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts a fake server with `steps` (added to `servers`, which the test closes after each case) and
 * a client for it: model `fake-gpt`, no environment, then `options` (key, delays, attempts...).
 */
export async function fakeChatClient(
  servers: FakeChatServer[],
  steps: FakeStep[],
  options: ChatClientOptions,
): Promise<{ server: FakeChatServer; client: ChatClient }> {
  const server = await startFakeChatServer(steps);
  servers.push(server);
  const client = createChatClient({ baseUrl: server.baseUrl, model: 'fake-gpt', env: {}, ...options });
  return { server, client };
}
