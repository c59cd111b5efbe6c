/**
 * Figure 4, connections: idle `videoUpdated` subscriptions held by one Reelgraph process, its RSS
 * per connection and whether any was dropped, next to a raw `ws` server holding as many idle
 * sockets. The clients live in a separate fleet process (each process may hold 20,000 descriptors).
 */
import { startBaseline } from '../lib/children';
import { Fleet } from '../lib/fleet';
import { Inspector } from '../lib/inspector';
import { RssSampler, rssKb } from '../lib/proc';
import { fmt, makeFigure } from '../lib/report';
import type { Scenario, ScenarioContext } from '../lib/scenario';
import { createVideo, startStack } from '../lib/setup';
import { median, round, sleep } from '../lib/stats';

const SUBSCRIPTION = 'subscription($id: ID!) { videoUpdated(id: $id) { id status progress } }';

/** RSS as the median of a few samples, so one allocation burst does not decide it. */
async function rssKbMedian(pid: number, count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    samples.push(rssKb(pid));
    await sleep(100);
  }
  return median(samples);
}

export const connections: Scenario = {
  id: 'connections',
  title: '4. Connections: idle subscriptions on one process',
  async run(ctx: ScenarioContext) {
    const { opts } = ctx;
    const count = opts.smoke ? 200 : 10_000;
    const holdS = opts.smoke ? 0.5 : 15;
    const settleMs = opts.smoke ? 200 : 3000;
    const steadyRssKb = (pid: number) => rssKbMedian(pid, opts.smoke ? 3 : 5);
    // The job never finishes during the test, so every subscription stays open and idle.
    // The inspector (loopback only) lets the bench force a GC and count live objects in the server.
    const stack = await startStack(ctx, { timing: { queuedMs: 3_600_000, pollAfterMs: 600_000 }, execArgv: ['--inspect=127.0.0.1:0'] });
    const inspector = await Inspector.connect(stack.server.output);
    ctx.defer(() => inspector.close());
    const LIVE = {
      dataLoaders: "process.mainModule.require('dataloader').prototype",
      entityManagers: "process.mainModule.require('@mikro-orm/core').EntityManager.prototype",
    };
    const liveState = async () => ({
      heapKb: await inspector.liveHeapKb(),
      dataLoaders: await inspector.countInstances(LIVE.dataLoaders),
      entityManagers: await inspector.countInstances(LIVE.entityManagers),
    });
    const id = await createVideo(stack.server.graphqlUrl, `idle subscribers ${Date.now()}`);
    const fleet = await Fleet.start();
    ctx.defer(() => fleet.stop());

    // Warm-up: load the WebSocket and subscription code paths before the "before" sample.
    await fleet.open({ url: stack.server.wsUrl, count: 50, mode: 'gql', group: 'warm' });
    await fleet.subscribe({ group: 'warm', query: SUBSCRIPTION, targets: [id], timeoutMs: 30_000 });
    await fleet.close('warm');
    await sleep(settleMs);

    const before = await steadyRssKb(stack.server.pid);
    const liveBefore = await liveState();
    const sampler = new RssSampler(stack.server.pid);
    ctx.log(`opening ${count} graphql-ws connections, each subscribing videoUpdated`);
    const opened = await fleet.open({ url: stack.server.wsUrl, count, mode: 'gql', group: 'rg', concurrency: 200 });
    await sleep(settleMs);
    const afterOpen = await steadyRssKb(stack.server.pid);
    const subscribed = await fleet.subscribe({ group: 'rg', query: SUBSCRIPTION, targets: [id], timeoutMs: 120_000 });
    await sleep(settleMs);
    const after = await steadyRssKb(stack.server.pid);
    const liveAfter = await liveState();
    const afterGc = await steadyRssKb(stack.server.pid);
    ctx.log(`holding ${holdS} s (keep-alive pings every 12 s)`);
    await sleep(holdS * 1000);
    const held = await fleet.status('rg');
    const heldRss = await steadyRssKb(stack.server.pid);
    const peak = sampler.stop().peakKb;
    await fleet.close('rg');

    const ws = await startBaseline('bench/baselines/ws-broadcast.ts');
    ctx.defer(() => ws.stop());
    await fleet.open({ url: `ws://127.0.0.1:${ws.port}/ws`, count: 50, mode: 'raw', group: 'warm-ws' });
    await fleet.close('warm-ws');
    await sleep(settleMs);
    const wsBefore = await steadyRssKb(ws.pid);
    const wsOpened = await fleet.open({ url: `ws://127.0.0.1:${ws.port}/ws`, count, mode: 'raw', group: 'ws', concurrency: 200 });
    await sleep(settleMs);
    const wsAfter = await steadyRssKb(ws.pid);
    await sleep(holdS * 1000);
    const wsHeld = await fleet.status('ws');
    await fleet.close('ws');

    const perConn = (after - before) / count;
    const connPart = (afterOpen - before) / count;
    const subPart = (after - afterOpen) / count;
    const live = {
      heapKiBPerConnection: round((liveAfter.heapKb - liveBefore.heapKb) / count, 1),
      dataLoadersPerConnection: round((liveAfter.dataLoaders - liveBefore.dataLoaders) / count, 1),
      entityManagersPerConnection: round((liveAfter.entityManagers - liveBefore.entityManagers) / count, 1),
    };
    const wsPerConn = (wsAfter - wsBefore) / count;
    const dropped = count - held.open;
    const wsDropped = count - wsHeld.open;
    return {
      method: [
        `Reelgraph runs in its own process with the emulator as its upstream; one video is submitted and stays queued upstream for the whole test. A separate fleet process opens ${count} graphql-transport-ws connections (200 handshakes in flight), each subscribing \`videoUpdated(id)\` to that video and receiving its current state. ` +
          `Server RSS (VmRSS from /proc, median of 5 samples 100 ms apart) is read after a warm-up of 50 connections and ${settleMs} ms of quiet, again once all connections are acknowledged, and again ${settleMs} ms after the last subscription started; per connection = the difference / ${count}, split into the connection's and the subscription's share. ` +
          `The live V8 heap (after a forced full GC) and live EntityManager and DataLoader instances are read through the server's inspector at the same points. The connections are then held idle for ${holdS} s (longer than the 12 s keep-alive interval in a full run) and counted. The baseline is a raw \`ws\` server process holding the same number of idle sockets, measured the same way.`,
      ],
      figures: [
        makeFigure({
          id: 'connections.rss',
          title: `RSS per idle subscription (${fmt(count, 0)} connections)`,
          value: round(perConn, 1),
          unit: 'KiB',
          baseline: { name: `raw ws, ${fmt(count, 0)} idle sockets`, value: round(wsPerConn, 1) },
          compare: 'ratio',
          targets: [{ metric: 'value', op: '<=', threshold: 50, text: '≤ 50 KB each' }],
          why:
            `RSS grew from ${fmt(before / 1024, 0)} to ${fmt(after / 1024, 0)} MiB (peak ${fmt(peak / 1024, 0)} MiB) for ${count} subscriptions: ${fmt(connPart, 1)} KiB per acknowledged graphql-ws connection ` +
            `(the raw ws socket alone: ${fmt(wsPerConn, 1)} KiB) and ${fmt(subPart, 1)} KiB per started subscription. After a forced full GC the live V8 heap is ${fmt(live.heapKiBPerConnection, 1)} KiB per connection ` +
            `(RSS right after that GC: ${fmt((afterGc - before) / count, 1)} KiB per connection; the rest of the RSS is memory V8 and the allocator kept after the subscribe burst), ` +
            `with ${fmt(live.entityManagersPerConnection, 1)} live EntityManagers and ${fmt(live.dataLoadersPerConnection, 1)} live DataLoaders per idle subscription (an idle subscription's context holds neither: OperationContext makes them on first use and SubscriptionCohorts releases them while it waits).`,
          close:
            'if EntityManagers or DataLoaders per subscription are above zero, something holds a context between events (a resolver keeping ctx.em in a closure). Otherwise the per-connection share is graphql-ws and ws state: ' +
            'allocate less on the subscribe path (subscribers of one video already share the opening read and the first poll), and start with a smaller heap growth during the burst (--max-semi-space-size).',
        }),
        makeFigure({
          id: 'connections.dropped',
          title: `Subscriptions dropped while idle (${fmt(count, 0)} held ${holdS} s)`,
          value: dropped,
          unit: 'connections',
          baseline: { name: 'raw ws', value: wsDropped },
          compare: 'delta',
          targets: [{ metric: 'value', op: '<=', threshold: 0, text: 'none dropped' }],
          why: `${dropped} of ${count} connections were closed (close codes ${JSON.stringify(held.closeCodes)}); ${opened.failed} failed to open (${opened.firstError ?? 'no error'}), ${count - subscribed.subscribed} subscriptions did not start.`,
          close: 'see the close codes: 4429 means a per-connection or per-tenant limit, 4408 an init timeout under load, 1001 a restart.',
        }),
      ],
      details: {
        database: stack.dbKind,
        connections: count,
        holdS,
        reelgraph: {
          open: { opened: opened.opened, failed: opened.failed, seconds: round(opened.ms / 1000), perSecond: round(opened.opened / (opened.ms / 1000), 0) },
          subscribe: { started: subscribed.subscribed, errors: subscribed.errorCount, seconds: round(subscribed.ms / 1000) },
          rssKb: { before, afterOpen, afterSubscribe: after, afterForcedGc: afterGc, afterHold: heldRss, peak },
          perConnectionKiB: { connection: round(connPart, 1), subscription: round(subPart, 1) },
          liveAfterGc: { before: liveBefore, after: liveAfter, perConnection: live },
          held,
        },
        rawWs: { open: { opened: wsOpened.opened, failed: wsOpened.failed, seconds: round(wsOpened.ms / 1000) }, rssKb: { before: wsBefore, after: wsAfter }, held: wsHeld },
      },
      notes: [
        `Opening ${count} connections took ${fmt(opened.ms / 1000, 1)} s (${fmt(opened.opened / (opened.ms / 1000), 0)}/s) and starting their subscriptions ${fmt(subscribed.ms / 1000, 1)} s; the raw ws server accepted ${count} in ${fmt(wsOpened.ms / 1000, 1)} s.`,
        `After the ${holdS} s hold Reelgraph's RSS was ${fmt(heldRss / 1024, 0)} MiB (${fmt((heldRss - before) / count, 1)} KiB per connection).`,
      ],
    };
  },
};
