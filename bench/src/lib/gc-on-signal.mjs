// Preloaded into the API server by the soak benchmark (node --expose-gc
// --import): on SIGUSR2 it collects garbage and writes process.memoryUsage()
// to $BENCH_GC_FILE, so the benchmark reads the memory left after a GC.
import { writeFileSync } from 'node:fs';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const file = process.env.BENCH_GC_FILE;
  if (file) writeFileSync(file, JSON.stringify({ at: Date.now(), ...process.memoryUsage() }));
});
