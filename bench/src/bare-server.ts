// The comparison point for me-throughput: a minimal Fastify app, run as its
// own process, whose one route answers with the JSON body /api/me gave.
// No hooks, no schema, no logger, no database. Started by me-throughput.ts,
// which passes the body in BENCH_BODY and learns the port over IPC.
import type fastifyFactory from 'fastify';
import { HOST, importFromServer } from './lib/paths';

if (!process.send)
  throw new Error('bare-server.ts is started by me-throughput.ts (it needs an IPC channel)');

const body = JSON.parse(process.env.BENCH_BODY ?? 'null') as unknown;
const { module, version } = await importFromServer<{ default: typeof fastifyFactory }>('fastify');
const app = module.default({ logger: false });
app.get('/api/me', async () => body);
await app.listen({ port: 0, host: HOST });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send({ port, fastifyVersion: version });

const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('disconnect', stop);
