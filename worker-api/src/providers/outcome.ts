import type { UsageEventInsert } from '../db/queries/usage-events';
import { answerCost } from './candidates';
import type { UpstreamReport } from './upstream';

/** The ledger's columns for what answered, after how many attempts, and what it cost. */
export type UpstreamLedger = Required<Pick<UsageEventInsert, 'requestedModel' | 'providerId' | 'attempts' | 'lastUpstreamError' | 'costMicros' | 'costCurrency'>>;

/** The model that answered an answer asked of `requestedModel`; that one when none did. */
export function answeringModel(requestedModel: string, report: UpstreamReport): string {
  return report.answered && report.candidate ? report.candidate.modelId : requestedModel;
}

/**
 * The ledger's view of the upstream side: the answering model (the one asked for when none
 * answered), the provider that answered or was tried last, the attempts, the last failure,
 * and the cost at the prices read at admission. Nothing answered, nothing is charged.
 */
export function upstreamLedger(requestedModel: string, report: UpstreamReport, promptTokens: number, completionTokens: number): { model: string; ledger: UpstreamLedger } {
  const answering = report.answered ? report.candidate : null;
  const cost = answering ? answerCost(answering, promptTokens, completionTokens) : null;
  return {
    model: answeringModel(requestedModel, report),
    ledger: {
      requestedModel,
      providerId: report.candidate?.providerId ?? null,
      attempts: report.attempts,
      lastUpstreamError: report.lastError,
      costMicros: cost?.micros ?? 0,
      costCurrency: cost?.currency ?? null,
    },
  };
}
