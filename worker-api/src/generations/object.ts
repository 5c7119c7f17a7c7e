import { DurableObject } from 'cloudflare:workers';
import { relayCompletion, type RelayResult } from '../chat/relay';
import { settleStream, type StreamOutcome } from '../chat/settle';
import { readConfig, type Config } from '../config';
import { getDb } from '../db/client';
import { generationEndStatement } from '../db/queries/generations';
import type { GenerationStatus } from '../db/schema';
import type { Bindings } from '../env';
import { log } from '../log';
import { estimateTokens } from '../policy/tokens';
import { upstreamLedger } from '../providers/outcome';
import { upstreamPlan } from '../providers/plan';
import { emptyReport } from '../providers/upstream';
import { EventLog } from './event-log';
import { doneOf, EVENT_LOG_RETENTION_MS, metaOf, settledAs, WATCHDOG_MS, type GenerationJob } from './job';
import { Subscribers } from './subscribers';

/** How a generation ended, in the terms of each record it leaves. */
type Ending = {
  status: Exclude<GenerationStatus, 'running'>;
  usageStatus: StreamOutcome['status'];
  result: RelayResult;
};

function endingOf(result: RelayResult): Ending {
  if (result.end === 'finished') return { status: 'done', usageStatus: 'ok', result };
  // A stop is the user's own end of the answer, as a client abort was before generations.
  if (result.end === 'stopped') return { status: 'stopped', usageStatus: 'aborted', result };
  return { status: 'error', usageStatus: 'error', result };
}

/**
 * One answer being generated: it makes the provider call, numbers every event, keeps them
 * (event-log.ts), fans them out to every client following it (subscribers.ts) and settles
 * usage exactly once when the answer ends, whoever is or is not listening.
 *
 * Keyed per generation (`idFromName(generationId)`): the event log is the state that must
 * be strongly consistent, and it belongs to one answer. One object per answer also spreads
 * the load: the platform's guidance is a few hundred requests per second per object, and one
 * answer writes a few dozen events a second, where one object per user or per conversation
 * would carry every answer of its tabs and retries. Quotas and the ledger stay in D1.
 */
export class Generation extends DurableObject<Bindings> {
  private readonly log: EventLog;
  private readonly subscribers: Subscribers;
  private readonly config: Config;
  private readonly stopper = new AbortController();
  /** The relay this instance runs; absent in an instance that woke after the one that ran it was evicted. */
  private running: Promise<void> | undefined;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    // The watchdog is armed once the log is in storage: an alarm is a write, and nothing may be written before the upstream request has left.
    this.log = new EventLog(ctx.storage, () => void ctx.storage.setAlarm(Date.now() + WATCHDOG_MS));
    const config = readConfig(env);
    this.config = config;
    this.subscribers = new Subscribers(config.heartbeatMs);
  }

  /** Starts the generation (once; a repeat just subscribes) and returns its stream from the first event. */
  async begin(job: GenerationJob): Promise<ReadableStream<Uint8Array>> {
    if (!this.log.state()) {
      this.log.begin(job);
      this.log.append('meta', metaOf(job));
      this.running = this.run(job);
    }
    return this.subscribers.open(this.log.framesAfter(0), this.log.state()?.status === 'running');
  }

  /**
   * Every event after seq `after`, then the live ones until the end. Null when this object
   * holds no generation (never begun here, or its log is gone): the caller answers from D1.
   */
  async subscribe(after: number): Promise<ReadableStream<Uint8Array> | null> {
    if (this.isLost()) await this.endLost('aborted');
    const state = this.log.state();
    if (!state) return null;
    return this.subscribers.open(this.log.framesAfter(after), state.status === 'running');
  }

  /**
   * Ends the generation: the upstream request is aborted at once, the partial answer stored
   * as `stopped` and settled. Idempotent: an ended generation just reports how it ended.
   * Null when this object holds no generation.
   */
  async stop(): Promise<GenerationStatus | null> {
    if (this.isLost()) await this.endLost('stopped');
    if (this.running && this.log.state()?.status === 'running') {
      this.stopper.abort();
      await this.running;
    }
    return this.log.state()?.status ?? null;
  }

  /** The watchdog while running (see WATCHDOG_MS); once ended, the end of the log's retention. */
  override async alarm(): Promise<void> {
    const state = this.log.state();
    if (!state) return;
    if (state.status !== 'running') return this.log.forget();
    if (this.running) return this.ctx.storage.setAlarm(Date.now() + WATCHDOG_MS);
    await this.endLost('aborted');
  }

  private isLost(): boolean {
    return !this.running && this.log.state()?.status === 'running';
  }

  private async run(job: GenerationJob): Promise<void> {
    const result = await relayCompletion(
      { config: this.config, upstream: upstreamPlan(job, this.config, this.env), promptTokens: job.promptTokens, startedAt: job.startedAt, stop: this.stopper.signal },
      (content) => this.emit('delta', { content }),
    );
    await this.finish(job, endingOf(result));
  }

  /** Ends a generation whose relay died with an evicted instance, with the answer as far as it was stored. */
  private async endLost(status: 'stopped' | 'aborted'): Promise<void> {
    const state = this.log.state();
    if (!state) return;
    const text = this.log.answerText();
    const stopped = status === 'stopped';
    const result: RelayResult = {
      end: stopped ? 'stopped' : 'failed',
      text,
      finishReason: status,
      failure: stopped ? null : { code: 'upstream_error', message: 'The answer was interrupted on our side; it ends with what had arrived' },
      promptTokens: state.job.promptTokens,
      completionTokens: estimateTokens(text),
      estimated: true,
      ttftMs: null,
      upstream: emptyReport(),
    };
    this.running = this.finish(state.job, { status, usageStatus: 'aborted', result });
    await this.running;
  }

  private emit(event: string, data: unknown): void {
    this.subscribers.broadcast(this.log.append(event, data));
  }

  /**
   * The one way a generation ends: its last events (usage then done, or error), the settle
   * batch (usage row, reservation released, message stored, generation row ended), then
   * every stream closed. The usage row's key makes a second settle fail, so it happens once.
   */
  private async finish(job: GenerationJob, ending: Ending): Promise<void> {
    const { result } = ending;
    const now = Date.now();
    if (result.failure) this.emit('error', result.failure);
    else this.emit('usage', { promptTokens: result.promptTokens, completionTokens: result.completionTokens, totalTokens: result.promptTokens + result.completionTokens });
    const db = getDb(this.env.DB);
    const { model, ledger } = upstreamLedger(job.model, result.upstream, result.promptTokens, result.completionTokens);
    try {
      await settleStream(
        db,
        {
          ...settledAs(job),
          model,
          upstream: ledger,
          message: { id: job.messageId, parentId: job.parentId, content: result.text, finishReason: result.finishReason },
          promptTokens: result.promptTokens,
          completionTokens: result.completionTokens,
          estimated: result.estimated,
          status: ending.usageStatus,
          errorCode: result.failure?.code ?? null,
          ttftMs: result.ttftMs,
          durationMs: now - job.startedAt,
        },
        now,
        [generationEndStatement(db, job.generationId, ending.status, now)],
      );
    } catch (err) {
      log('error', 'settle_failed', { traceId: job.traceId, error: String(err) });
    }
    // The meta event went out before any provider answered: the model that did is told here.
    if (!result.failure) this.emit('done', doneOf(result.finishReason, job.model, model));
    // Ended only now: whoever subscribes while the settle runs still follows it live to the last event.
    this.log.end(ending.status, Date.now());
    this.subscribers.closeAll();
    await this.ctx.storage.setAlarm(now + EVENT_LOG_RETENTION_MS);
  }
}
