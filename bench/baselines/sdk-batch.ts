/**
 * Baseline of figure 6: what a client does without Reelgraph — `COUNT` direct `openai` SDK
 * `videos.create` calls against `OPENAI_BASE_URL`, `CONCURRENCY` at a time. Prints one JSON line:
 * `{ "ms": wall time, "cpuMs": this process's CPU during the calls, "created": n }`.
 */
import OpenAI from 'openai';

async function main(): Promise<void> {
  const count = Number(process.env.COUNT ?? 1000);
  const concurrency = Number(process.env.CONCURRENCY ?? 8);
  const sdk = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'sk-bench', baseURL: process.env.OPENAI_BASE_URL, maxRetries: 2 });
  await sdk.videos.create({ prompt: 'warm-up', model: 'sora-2', size: '1280x720', seconds: '4' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  let created = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await sdk.videos.create({ prompt: `catalogue item ${i} (direct)`, model: 'sora-2', size: '1280x720', seconds: '4' });
      created++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, created }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
