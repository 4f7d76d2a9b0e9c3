/**
 * A local stand-in for an OpenAI-compatible chat-completions server, for the smoke test of
 * examples/04-llm-factors.ts (and for trying the script without a model). It answers every request
 * with the same canned reply: a few valid minute-bar formulas, one duplicate spelled differently,
 * and a few that the checker must reject (a negative lag, JavaScript, an unknown field). It is
 * not a language model and says so in its model name.
 *
 *   node --conditions=source --import tsx examples/lib/fake-llm.ts   # prints the base URL, serves until killed
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The canned reply's formulas (minute source). */
export const FAKE_FACTORS = [
  {
    name: 'late_share',
    formula: 'share(between(volume, 1400, 1500), volume)',
    meaning: 'late-day volume share',
  },
  { name: 'trade_size', formula: 'log(sum(volume) / sum(trades))', meaning: 'log average trade size' },
  { name: 'pv_corr', formula: 'corr(log_return(close), volume)', meaning: 'return-volume correlation' },
  {
    name: 'open_share',
    formula: 'share(first_minutes(volume, 30), volume)',
    meaning: 'opening half-hour volume share',
  },
  { name: 'range', formula: 'max(high) / min(low) - 1', meaning: 'intraday range' },
  { name: 'pv_corr_again', formula: 'corr( volume , log_return(close) )', meaning: 'the same as pv_corr' },
  { name: 'peek', formula: 'mean(delay(close, -5))', meaning: 'reads the future: must be rejected' },
  { name: 'code', formula: 'process.exit(1)', meaning: 'not a formula: must be rejected' },
  { name: 'typo', formula: 'mean(volumne)', meaning: 'unknown field: must be rejected' },
];

/** Starts the server on 127.0.0.1 (a free port). */
export async function startFakeLlm(): Promise<{
  baseUrl: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      requests++;
      const model = (JSON.parse(body) as { model?: string }).model ?? 'fake';
      const content = `Here are the factors:\n\`\`\`json\n${JSON.stringify({ factors: FAKE_FACTORS }, null, 1)}\n\`\`\``;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: `fake-${requests}`,
          object: 'chat.completion',
          model: `${model} (canned replies, not a language model)`,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: {
            prompt_tokens: Math.round(body.length / 4),
            completion_tokens: Math.round(content.length / 4),
          },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startFakeLlm();
  process.stdout.write(`fake chat-completions server at ${s.baseUrl} (Ctrl-C to stop)\n`);
}
