/**
 * The verifier's vocabulary: a plan (what `npm run plan -- --json` prints, or what the offline
 * engine recorded), checks over it, and what they report.
 */
import type { Model } from "./model";

/** One recorded resource as the plan JSON carries it (a subset of offline/mocks RecordedResource). */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider?: string | null;
  region: string | null;
  custom?: boolean;
  inputs: Record<string, unknown>;
  options?: {
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    retainOnDelete?: boolean;
    replaceOnChanges?: string[];
    aliases?: unknown[];
    dependsOn?: string[];
  };
  dependencies?: { urn: string; explicit: boolean; inputs: string[] }[];
}

/** What the verifier reads. */
export interface VerifiablePlan {
  stack?: string;
  resources: PlanResource[];
  /** Stack outputs, resolved (secrets masked). */
  outputs: unknown;
}

export interface Failure {
  /** The resource to change. */
  urn: string;
  /** What is wrong and what to change. */
  message: string;
}

export interface CheckResult {
  check: string;
  /** What the check looked at: count per kind of thing (`{ urls: 15, listeners: 6 }`). */
  examined: Record<string, number>;
  failures: Failure[];
}

export interface Check {
  name: string;
  /** One line: the property the check proves. */
  description: string;
  run(model: Model): CheckResult | Promise<CheckResult>;
}

export interface Verification {
  checks: CheckResult[];
}
