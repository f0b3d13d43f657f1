import type { CalendarService } from './calendar.js';
import { CaseLifecycle } from './case-lifecycle.js';
import { CaseQueries } from './case-queries.js';
import { CaseRecognition } from './case-recognition.js';
import { CaseReview } from './case-review.js';
import { CaseSubmission } from './case-submission.js';
import { CaseWriter } from './case-writer.js';
import type { Deps } from './deps.js';
import { WorkflowCallbacks } from './workflow-callbacks.js';

export type { MaterialInput, SubmitInput } from './case-submission.js';
export { scopeOf } from './case-writer.js';

/**
 * The stage case's use cases behind one service, as routes and other services know it. Each use
 * case lives in its own module (case-submission, case-queries, case-review, case-recognition,
 * case-lifecycle); they share one CaseWriter for the read–decide–write path and one set of workflow
 * callbacks.
 */
export class CaseService {
  private readonly writer: CaseWriter;
  private readonly queries: CaseQueries;
  private readonly submission: CaseSubmission;
  private readonly review: CaseReview;
  private readonly recognition: CaseRecognition;
  private readonly lifecycle: CaseLifecycle;

  constructor(deps: Deps, calendar: CalendarService) {
    const callbacks = new WorkflowCallbacks(deps);
    this.writer = new CaseWriter(deps, calendar);
    this.queries = new CaseQueries(deps, calendar);
    this.submission = new CaseSubmission(deps, calendar, this.writer, callbacks);
    this.recognition = new CaseRecognition(deps, this.writer, callbacks);
    this.review = new CaseReview(deps, calendar, this.writer, callbacks, this.recognition);
    this.lifecycle = new CaseLifecycle(deps, calendar, this.writer, callbacks);
  }

  preReview(...a: Parameters<CaseSubmission['preReview']>) {
    return this.submission.preReview(...a);
  }
  submit(...a: Parameters<CaseSubmission['submit']>) {
    return this.submission.submit(...a);
  }
  assertNoOpenCase(...a: Parameters<CaseSubmission['assertNoOpenCase']>) {
    return this.submission.assertNoOpenCase(...a);
  }
  resubmit(...a: Parameters<CaseSubmission['resubmit']>) {
    return this.submission.resubmit(...a);
  }
  supplement(...a: Parameters<CaseSubmission['supplement']>) {
    return this.submission.supplement(...a);
  }

  get(...a: Parameters<CaseQueries['get']>) {
    return this.queries.get(...a);
  }
  progress(...a: Parameters<CaseQueries['progress']>) {
    return this.queries.progress(...a);
  }
  list(...a: Parameters<CaseQueries['list']>) {
    return this.queries.list(...a);
  }
  acceptanceQueue(...a: Parameters<CaseQueries['acceptanceQueue']>) {
    return this.queries.acceptanceQueue(...a);
  }
  inbox(...a: Parameters<CaseQueries['inbox']>) {
    return this.queries.inbox(...a);
  }

  actOnAcceptance(...a: Parameters<CaseReview['actOnAcceptance']>) {
    return this.review.actOnAcceptance(...a);
  }
  decideItem(...a: Parameters<CaseReview['decideItem']>) {
    return this.review.decideItem(...a);
  }
  signOffRefusal(...a: Parameters<CaseReview['signOffRefusal']>) {
    return this.review.signOffRefusal(...a);
  }
  requestItemCorrection(...a: Parameters<CaseReview['requestItemCorrection']>) {
    return this.review.requestItemCorrection(...a);
  }
  assignItem(...a: Parameters<CaseReview['assignItem']>) {
    return this.review.assignItem(...a);
  }
  revokeDecision(...a: Parameters<CaseReview['revokeDecision']>) {
    return this.review.revokeDecision(...a);
  }

  applyRecognitions(...a: Parameters<CaseRecognition['applyRecognitions']>) {
    return this.recognition.applyRecognitions(...a);
  }
  applyRecognitionsForProject(...a: Parameters<CaseRecognition['applyRecognitionsForProject']>) {
    return this.recognition.applyRecognitionsForProject(...a);
  }

  feedback(...a: Parameters<CaseLifecycle['feedback']>) {
    return this.lifecycle.feedback(...a);
  }
  terminate(...a: Parameters<CaseLifecycle['terminate']>) {
    return this.lifecycle.terminate(...a);
  }
  recomputeProvisional() {
    return this.lifecycle.recomputeProvisional();
  }

  change(...a: Parameters<CaseWriter['change']>) {
    return this.writer.change(...a);
  }
  mutate(...a: Parameters<CaseWriter['mutate']>) {
    return this.writer.mutate(...a);
  }
}
