import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { PubSub } from '@graphql-yoga/subscription';
import { AppError, badInput, ErrorCode, listValues } from '../../errors';
import type { Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { keyset, type Page, type PageArgs, pageOf, pageRequest, toGlobalId } from '../../graphql/relay';
import { inputHash, replayIfKnown, replayWinner } from '../../idempotency';
import { ulid } from '../../ids';
import type { Task } from '../../jobs/task.entity';
import type { TaskOutcome, TaskQueue } from '../../jobs/task-queue';
import type { Logger } from '../../logger';
import type { CharacterService } from '../characters/character.service';
import { MAX_CHAIN_SECONDS, MAX_EXTENSIONS } from '../extensions/extension.entity';
import type { ExtensionService } from '../extensions/extension.service';
import type { BudgetService } from '../billing/budget.service';
import type { Guardrails } from '../guardrails/guardrails';
import type { ModelRouter } from '../models/model-router';
import { Video } from '../videos/video.entity';
import { TERMINAL_STATUSES, VideoOperation, VideoStatus } from '../videos/video.enums';
import type { VideoService } from '../videos/video.service';
import type { TransitionHook } from '../videos/video.transitions';
import { VIDEO_TYPE_NAME } from '../videos/video.type';
import { Storyboard, StoryboardScene, StoryboardStatus } from './storyboard.entity';
import type { CreateStoryboardInput } from './storyboard.inputs';

/** Task that moves a storyboard on after one of its scene videos finished. */
export const STORYBOARD_ADVANCE_TASK = 'storyboard.advance';
/** At most one video plus the extensions a chain allows. */
export const MAX_SCENES = MAX_EXTENSIONS + 1;

/** Makes a request context that acts for a tenant in the background (advancing its storyboard). */
export type SystemContext = (tenantId: string) => RequestContext;

/** Collaborators of {@link StoryboardService}. */
export interface StoryboardDeps {
  videos: VideoService;
  extensions: ExtensionService;
  characters: CharacterService;
  router: ModelRouter;
  guardrails: Guardrails;
  budgets: BudgetService;
  queue: TaskQueue;
  pubsub: PubSub<Topics>;
  systemContext: SystemContext;
  logger: Logger;
  /** Runs in the transaction that finishes a storyboard (outbound webhooks record their deliveries). */
  onFinished?: (tx: EntityManager, storyboard: Storyboard, finalVideoId: string | undefined) => Promise<void>;
}

/**
 * Storyboards: plan a piece scene by scene. Limits are checked up front; scene 1 is submitted at
 * once; each later scene is submitted as an extension when the previous one completes (a durable
 * task scheduled in the same transaction as that completion). A failed scene stops the storyboard
 * with its error and keeps what was made; so does a cancelled one (error code CANCELLED).
 */
export class StoryboardService {
  constructor(private readonly deps: StoryboardDeps) {}

  async create(ctx: RequestContext, input: CreateStoryboardInput): Promise<Storyboard> {
    const { em, viewer } = ctx;
    const { catalog } = this.deps.router;
    const firstId = ulid();
    const resolved = await this.deps.router.resolve(ctx, input.model, firstId);
    this.checkScenes(input, resolved.spec.capabilities.durations);
    catalog.checkOutput(resolved.spec, input.size, input.scenes[0].seconds, { size: 'input.size', seconds: 'input.scenes[0].seconds' });
    if (input.scenes.length > 1) catalog.requireCapability(resolved.spec, 'extensions', 'input.scenes');
    if (input.characterIds?.length) catalog.requireCapability(resolved.spec, 'characters', 'input.characterIds');
    await this.deps.guardrails.screen(input.scenes.map((scene, i) => ({ text: scene.prompt, field: `input.scenes[${i}].prompt` })));
    const scenes = input.scenes.map((scene) => ({ prompt: scene.prompt, seconds: scene.seconds }));
    const hash = inputHash({ scenes, model: input.model, size: input.size, characterIds: input.characterIds });
    const replay = await replayIfKnown(em, Storyboard, input.idempotencyKey, hash);
    if (replay) return replay;
    const upstream = resolved.upstream;
    const characters = await this.deps.characters.requireForVideo(ctx, input.characterIds ?? [], scenes[0].prompt, upstream);
    // The whole piece must fit the budget up front; each scene reserves its share when submitted.
    const total = scenes.reduce((sum, s) => sum + s.seconds, 0);
    await this.deps.budgets.ensureRoom(em, viewer.tenantId, catalog.estimateCost(resolved.spec, input.size, total), 'input.scenes');

    const storyboard = em.create(Storyboard, {
      tenantId: viewer.tenantId,
      model: input.model,
      size: input.size,
      sceneCount: scenes.length,
      totalSeconds: scenes.reduce((sum, s) => sum + s.seconds, 0),
      idempotencyKey: input.idempotencyKey ?? null,
      inputHash: hash,
    });
    const rows = scenes.map((scene, i) => em.create(StoryboardScene, { tenantId: viewer.tenantId, storyboard, index: i + 1, prompt: scene.prompt, seconds: scene.seconds }));
    try {
      await em.flush();
    } catch (error) {
      return replayWinner(em, Storyboard, input.idempotencyKey, hash, error);
    }
    try {
      await this.deps.videos.accept(ctx, {
        id: firstId,
        operation: VideoOperation.CREATE,
        prompt: rows[0].prompt,
        model: input.model,
        resolved,
        upstream,
        size: input.size,
        seconds: rows[0].seconds,
        characters,
        storyboardId: storyboard.id,
        request: { storyboardId: storyboard.id },
        attach: (video) => {
          rows[0].video = em.getReference(Video, video.id, { wrapped: true });
        },
      });
    } catch (error) {
      // Scene 1 was refused (bad input, moderation): the storyboard never existed.
      await em.transactional(async (tx) => {
        await tx.nativeDelete(StoryboardScene, { storyboard: storyboard.id });
        await tx.nativeDelete(Storyboard, { id: storyboard.id });
      });
      throw error;
    }
    this.publish(storyboard);
    return storyboard;
  }

  async list(ctx: RequestContext, args: PageArgs): Promise<Page<Storyboard>> {
    const request = pageRequest(args);
    const { range, orderBy, limit } = keyset(request, 'desc');
    return pageOf(await ctx.em.find(Storyboard, range ? { id: range } : {}, { orderBy: { id: orderBy }, limit }), request);
  }

  /** Transition hook: a scene video reached a terminal state → advance its storyboard (same transaction). */
  readonly onVideoTransition: TransitionHook = async (tx, before, after) => {
    if (!after.storyboardId || before.status === after.status || !TERMINAL_STATUSES.has(after.status)) return;
    await this.deps.queue.schedule(tx, { kind: STORYBOARD_ADVANCE_TASK, subjectId: after.storyboardId, tenantId: after.tenantId });
  };

  /** `storyboard.advance` task: submit the next scene, or finish, or fail. Safe to run twice. */
  readonly advance = async (task: Task, em: SqlEntityManager): Promise<TaskOutcome> => {
    const storyboard = await em.findOne(Storyboard, { id: task.subjectId });
    if (!storyboard || storyboard.status !== StoryboardStatus.IN_PROGRESS) return { done: true };
    const scenes = await em.find(StoryboardScene, { storyboard: storyboard.id }, { orderBy: { index: 'asc' } });
    const current = scenes[storyboard.currentScene - 1];
    const video = current?.video ? await em.findOne(Video, { id: current.video.id }) : null;
    if (!video) {
      return this.finish(em, storyboard, { status: StoryboardStatus.FAILED, errorCode: ErrorCode.UPSTREAM_ERROR, errorMessage: `The video of scene ${storyboard.currentScene} was deleted.` });
    }
    if (video.status === VideoStatus.FAILED) {
      return this.finish(em, storyboard, {
        status: StoryboardStatus.FAILED,
        errorCode: video.errorCode ?? ErrorCode.UPSTREAM_ERROR,
        errorMessage: `Scene ${current.index} failed: ${video.errorMessage ?? 'no details'}. Scenes before it are kept.`,
      });
    }
    if (video.status === VideoStatus.CANCELLED) {
      return this.finish(em, storyboard, {
        status: StoryboardStatus.FAILED,
        errorCode: ErrorCode.CANCELLED,
        errorMessage: `Scene ${current.index} was cancelled, so the storyboard stopped. Scenes before it are kept.`,
      });
    }
    if (video.status !== VideoStatus.COMPLETED) return { done: true };
    if (storyboard.currentScene === storyboard.sceneCount) {
      return this.finish(em, storyboard, { status: StoryboardStatus.COMPLETED, finalVideo: em.getReference(Video, video.id, { wrapped: true }) });
    }

    const next = scenes[storyboard.currentScene];
    const ctx = this.deps.systemContext(storyboard.tenantId);
    let extended;
    try {
      extended = await this.deps.extensions.extend(
        ctx,
        // The key makes a re-run of this task return the extension it already made.
        { videoId: toGlobalId(VIDEO_TYPE_NAME, video.id), prompt: next.prompt, seconds: next.seconds, idempotencyKey: `storyboard:${storyboard.id}:scene:${next.index}` },
        storyboard.id,
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      // The tenant is at its cap on active jobs: the next scene waits for room instead of failing.
      if (error.code === ErrorCode.RATE_LIMITED) return { retryInMs: 5000, error: error.message };
      return this.finish(em, storyboard, { status: StoryboardStatus.FAILED, errorCode: error.code, errorMessage: `Scene ${next.index} was refused: ${error.message}` });
    }
    const moved = await em.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(Storyboard, { id: storyboard.id, version: storyboard.version }, { currentScene: next.index, version: storyboard.version + 1, updatedAt: new Date() });
      if (updated > 0) await tx.nativeUpdate(StoryboardScene, { id: next.id }, { video: extended.video.id });
      return updated > 0;
    });
    // Changed concurrently: run again on the newer row (the extension is found by its key).
    if (!moved) return { retryInMs: 0 };
    this.publish(storyboard);
    return { done: true };
  };

  /** Announces a change of the storyboard (or of one of its scene videos) to subscribers. */
  publish(storyboard: Pick<Storyboard, 'id' | 'tenantId'>): void {
    this.deps.pubsub.publish('storyboard.changed', storyboard.id, { tenantId: storyboard.tenantId, storyboardId: storyboard.id });
  }

  private async finish(em: EntityManager, storyboard: Storyboard, patch: Partial<Storyboard>): Promise<TaskOutcome> {
    const changes = { ...patch, completedAt: new Date(), version: storyboard.version + 1, updatedAt: new Date() };
    const updated = await em.transactional(async (tx) => {
      const count = await tx.nativeUpdate(Storyboard, { id: storyboard.id, version: storyboard.version }, changes);
      if (count > 0) await this.deps.onFinished?.(tx, Object.assign(Object.create(Storyboard.prototype) as Storyboard, storyboard, changes), patch.finalVideo?.id);
      return count;
    });
    if (updated === 0) return { retryInMs: 0 };
    this.publish(storyboard);
    return { done: true };
  }

  /** Scene count, durations and the chain's total length, before anything is stored or sent. */
  private checkScenes(input: CreateStoryboardInput, durations: number[]): void {
    if (input.scenes.length < 1 || input.scenes.length > MAX_SCENES) {
      throw badInput('input.scenes', `A storyboard has 1 to ${MAX_SCENES} scenes (one video plus up to ${MAX_EXTENSIONS} extensions); got ${input.scenes.length}.`);
    }
    input.scenes.forEach((scene, i) => {
      if (!durations.includes(scene.seconds)) {
        throw badInput(`input.scenes[${i}].seconds`, `Scene ${i + 1} is ${scene.seconds} s; use ${listValues(durations)}.`, durations);
      }
    });
    const total = input.scenes.reduce((sum, s) => sum + s.seconds, 0);
    if (total > MAX_CHAIN_SECONDS) {
      throw badInput('input.scenes', `The scenes add up to ${total} s; a storyboard is one continuous clip of at most ${MAX_CHAIN_SECONDS} s. Shorten it by ${total - MAX_CHAIN_SECONDS} s.`);
    }
  }
}
