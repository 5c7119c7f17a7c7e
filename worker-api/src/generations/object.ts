import { DurableObject } from 'cloudflare:workers';
import { runAdmission, type Admission } from '../chat/admission';
import { relayCompletion, type RelayResult } from '../chat/relay';
import { settleStream, type StreamOutcome } from '../chat/settle';
import { readConfig, type Config } from '../config';
import { getDb } from '../db/client';
import { generationEndStatement } from '../db/queries/generations';
import type { GenerationStatus } from '../db/schema';
import type { Bindings } from '../env';
import { log } from '../log';
import { StreamStarts } from '../policy/stream-starts';
import { estimateTokens } from '../policy/tokens';
import { upstreamLedger } from '../providers/outcome';
import { upstreamPlan } from '../providers/plan';
import { emptyReport } from '../providers/upstream';
import { EventLog, EventStore } from './event-log';
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
 * What a start came to: the generation's stream from its first event; refused by the
 * admission batch, which stored nothing (the caller reads why); or over the user's burst of
 * starts, before anything was read.
 */
export type StartOutcome = { kind: 'started'; body: ReadableStream<Uint8Array> } | { kind: 'refused' } | { kind: 'rate_limited'; retryAfterS: number };

/** One generation this object holds: its log, its followers and, while this instance runs it, its relay. */
type Run = {
  log: EventLog;
  subscribers: Subscribers;
  stopper: AbortController;
  /** The relay this instance runs; absent in an instance that woke after the one that ran it was evicted. */
  running: Promise<void> | undefined;
};

/**
 * The answers of one user: it counts their starts and runs each one's admission batch
 * (`start`), and for each answer admitted it makes the provider call, numbers every event, keeps
 * them (event-log.ts), fans them out to every client following it (subscribers.ts) and
 * settles usage exactly once when the answer ends, whoever is or is not listening.
 *
 * Keyed per user (`idFromName(userId)`). The state that must be strongly consistent is one
 * answer's event log, which any key holds whole. Per user, the object a user's next answer
 * needs is already running: one object per answer meant a new object with a new SQLite
 * database for every answer, and starting them was most of the wait before the first byte
 * at 100 answers at once. The load stays far under the platform's few hundred requests per
 * second per object: a user runs at most their plan's `concurrent_streams` answers at once,
 * each a few dozen events a second, plus the tabs following them. Per conversation would
 * start an object for every new chat. Quotas and the ledger stay in D1.
 */
export class Generation extends DurableObject<Bindings> {
  private readonly store: EventStore;
  private readonly config: Config;
  private readonly runs = new Map<string, Run>();
  private readonly starts: StreamStarts;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    // The watchdog is armed once a generation is in storage: an alarm is a write, and nothing may be written before the upstream request has left.
    this.store = new EventStore(ctx.storage, () => void this.armAlarm(Date.now() + WATCHDOG_MS));
    this.config = readConfig(env);
    this.starts = new StreamStarts(this.config.streamStartsPerMinute);
  }

  /**
   * Starts an answer of this object's user: counts the start against their burst (unless
   * `counted` is false: a service caller), runs the admission batch and, when it reserved,
   * begins the generation. Here rather than in the route, the start's count and the batch
   * are one hop from the Worker, and the generation begins with no round trip after the batch.
   */
  async start(admission: Admission, counted: boolean): Promise<StartOutcome> {
    const over = counted ? this.starts.take(Date.now()) : null;
    if (over) return { kind: 'rate_limited', retryAfterS: over.retryAfterS };
    const job = await runAdmission(getDb(this.env.DB), admission);
    if (!job) return { kind: 'refused' };
    return { kind: 'started', body: this.begin(job) };
  }

  /** Starts the generation (once; a repeat just subscribes) and returns its stream from the first event. */
  private begin(job: GenerationJob): ReadableStream<Uint8Array> {
    let run = this.runOf(job.generationId);
    if (!run) {
      run = this.newRun(EventLog.begin(this.store, job));
      run.log.append('meta', metaOf(job));
      run.running = this.relay(run, job);
    }
    return run.subscribers.open(run.log.framesAfter(0), run.log.state().status === 'running');
  }

  /**
   * Every event of generation `generationId` after seq `after`, then the live ones until the
   * end. Null when this object holds no such generation (never begun here, or its log is
   * gone): the caller answers from D1.
   */
  async subscribe(generationId: string, after: number): Promise<ReadableStream<Uint8Array> | null> {
    const run = this.runOf(generationId);
    if (!run) return null;
    if (isLost(run)) await this.endLost(run, 'aborted');
    return run.subscribers.open(run.log.framesAfter(after), run.log.state().status === 'running');
  }

  /**
   * Ends the generation: the upstream request is aborted at once, the partial answer stored
   * as `stopped` and settled. Idempotent: an ended generation just reports how it ended.
   * Null when this object holds no such generation.
   */
  async stop(generationId: string): Promise<GenerationStatus | null> {
    const run = this.runOf(generationId);
    if (!run) return null;
    if (isLost(run)) await this.endLost(run, 'stopped');
    if (run.running && run.log.state().status === 'running') {
      run.stopper.abort();
      await run.running;
    }
    return run.log.state().status;
  }

  /**
   * One alarm for every generation here: the watchdog of those running (see WATCHDOG_MS),
   * and the end of the retention of those ended, whichever comes first.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = Infinity;
    for (const stored of this.store.index()) {
      if (stored.status === 'running') {
        const run = this.runOf(stored.id);
        if (run && isLost(run)) await this.endLost(run, 'aborted');
        next = Math.min(next, run?.running && run.log.state().status === 'running' ? now + WATCHDOG_MS : now + EVENT_LOG_RETENTION_MS);
      } else if (stored.endedAt === null || stored.endedAt + EVENT_LOG_RETENTION_MS <= now) {
        await this.forget(stored.id);
      } else {
        next = Math.min(next, stored.endedAt + EVENT_LOG_RETENTION_MS);
      }
    }
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
    // Nothing left to keep (this also clears an object of the earlier one-per-answer layout, whose tables these are not).
    else if (this.runs.size === 0) await this.ctx.storage.deleteAll();
  }

  /** The generation from memory, or from storage in an instance that woke after an eviction. */
  private runOf(generationId: string): Run | undefined {
    const run = this.runs.get(generationId);
    if (run) return run;
    const log = this.store.load(generationId);
    return log ? this.newRun(log) : undefined;
  }

  private newRun(log: EventLog): Run {
    const run: Run = { log, subscribers: new Subscribers(this.config.heartbeatMs), stopper: new AbortController(), running: undefined };
    this.runs.set(log.state().job.generationId, run);
    return run;
  }

  /** Drops an ended generation: its end already flushed its log and closed its streams. */
  private async forget(generationId: string): Promise<void> {
    this.runs.delete(generationId);
    await this.store.delete(generationId);
  }

  /** Moves the alarm earlier to `at` (never later: another generation may need it sooner). */
  private async armAlarm(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  private async relay(run: Run, job: GenerationJob): Promise<void> {
    const result = await relayCompletion(
      { config: this.config, upstream: upstreamPlan(job, this.config, this.env), promptTokens: job.promptTokens, startedAt: job.startedAt, stop: run.stopper.signal },
      (content) => emit(run, 'delta', { content }),
    );
    await this.finish(run, endingOf(result));
  }

  /** Ends a generation whose relay died with an evicted instance, with the answer as far as it was stored. */
  private async endLost(run: Run, status: 'stopped' | 'aborted'): Promise<void> {
    const { job } = run.log.state();
    const text = run.log.answerText();
    const stopped = status === 'stopped';
    const result: RelayResult = {
      end: stopped ? 'stopped' : 'failed',
      text,
      finishReason: status,
      failure: stopped ? null : { code: 'upstream_error', message: 'The answer was interrupted on our side; it ends with what had arrived' },
      promptTokens: job.promptTokens,
      completionTokens: estimateTokens(text),
      estimated: true,
      ttftMs: null,
      upstream: emptyReport(),
    };
    run.running = this.finish(run, { status, usageStatus: 'aborted', result });
    await run.running;
  }

  /**
   * The one way a generation ends: its last events (usage then done, or error), the settle
   * batch (usage row, reservation released, message stored, generation row ended), then
   * every stream closed. The usage row's key makes a second settle fail, so it happens once.
   */
  private async finish(run: Run, ending: Ending): Promise<void> {
    const { job } = run.log.state();
    const { result } = ending;
    const now = Date.now();
    if (result.failure) emit(run, 'error', result.failure);
    else emit(run, 'usage', { promptTokens: result.promptTokens, completionTokens: result.completionTokens, totalTokens: result.promptTokens + result.completionTokens });
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
    if (!result.failure) emit(run, 'done', doneOf(result.finishReason, job.model, model));
    // Ended only now: whoever subscribes while the settle runs still follows it live to the last event.
    run.log.end(ending.status, Date.now());
    run.subscribers.closeAll();
    await this.armAlarm(now + EVENT_LOG_RETENTION_MS);
  }
}

function isLost(run: Run): boolean {
  return !run.running && run.log.state().status === 'running';
}

function emit(run: Run, event: string, data: unknown): void {
  run.subscribers.broadcast(run.log.append(event, data));
}
