/**
 * The offline evaluator: runs every rule over every resource of its types. Pure; used by
 * `npm run plan` (over the resources recorded under the mock runtime) and by the tests.
 */
import { rules as allRules } from "./rules";
import { Level, PolicyContext, PolicyResource, Rule, Violation } from "./types";
import { levelOf } from "./util";

/** Options for one evaluation. */
export interface EvaluateOptions {
  /** Stack name (levels may depend on it, e.g. `prod*`). */
  stack: string;
  /** Project name (the Project tag must equal it). */
  project: string;
  /** Clock for time-bound rules; default `new Date()`. */
  now?: Date;
  /** The rules to run; default every rule of the pack. */
  rules?: readonly Rule[];
}

/**
 * Every violation of every rule, in rule order then resource order. A rule that throws is a bug in
 * the rule: the error names the rule and the resource.
 */
export function evaluate(resources: PolicyResource[], opts: EvaluateOptions): Violation[] {
  const ctx: PolicyContext = { stack: opts.stack, project: opts.project, resources, now: opts.now };
  const out: Violation[] = [];
  for (const rule of opts.rules ?? allRules) {
    for (const r of resources) {
      if (!rule.types.includes(r.type)) continue;
      let messages: string[];
      try {
        messages = rule.check(r, ctx);
      } catch (e) {
        throw new Error(`policy rule ${rule.name} failed on ${r.urn}: ${(e as Error).message}`);
      }
      if (messages.length === 0) continue;
      const level = levelOf(rule, ctx, r);
      for (const message of messages) out.push({ rule: rule.name, level, urn: r.urn, message });
    }
  }
  return out;
}

/** Counts by level. */
export interface PolicySummary {
  /** Number of rules run. */
  rules: number;
  mandatory: number;
  advisory: number;
  /** True when no mandatory rule failed (the plan exits 3 otherwise). */
  passed: boolean;
}

/** Counts of a result, for the plan's exit code and headline. */
export function summarize(violations: readonly Violation[], ruleCount: number = allRules.length): PolicySummary {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return { rules: ruleCount, mandatory, advisory: violations.length - mandatory, passed: mandatory === 0 };
}

/** True when any violation is mandatory. */
export function hasMandatory(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.level === "mandatory");
}

/** The JSON the plan prints under `"policy"`. */
export function policyReport(violations: readonly Violation[], ruleCount: number = allRules.length): { rules: number; violations: Violation[] } {
  return { rules: ruleCount, violations: violations.map((v) => ({ rule: v.rule, level: v.level, urn: v.urn, message: v.message })) };
}

/** The name part of a URN (`...::<type>::<name>`), for short human output. */
function urnName(urn: string): string {
  const i = urn.lastIndexOf("::");
  return i >= 0 ? urn.slice(i + 2) : urn;
}

/** The URN's type part, for short human output. */
function urnType(urn: string): string {
  const parts = urn.split("::");
  const chain = parts.length >= 3 ? parts[parts.length - 2] : "";
  const i = chain.lastIndexOf("$");
  return i >= 0 ? chain.slice(i + 1) : chain;
}

/** Human lines: one per violation, mandatory first, then a headline with the counts. */
export function formatViolations(violations: readonly Violation[], ruleCount: number = allRules.length): string[] {
  const order: Record<Level, number> = { mandatory: 0, advisory: 1 };
  const sorted = [...violations].sort((a, b) => order[a.level] - order[b.level]);
  const s = summarize(violations, ruleCount);
  const lines = sorted.map((v) => `  [${v.level}] ${v.rule}: ${urnType(v.urn)} ${urnName(v.urn)}: ${v.message}`);
  lines.push(
    s.passed
      ? `policy: ${s.rules} rules, no mandatory violation${s.advisory > 0 ? `, ${s.advisory} advisory` : ""}`
      : `policy: ${s.rules} rules, ${s.mandatory} mandatory violation${s.mandatory === 1 ? "" : "s"}, ${s.advisory} advisory`,
  );
  return lines;
}

export { allRules as rules };
