/**
 * The fleet verifier: pure checks over a recorded plan (docs/verify.md). One check per file in
 * verify/checks/; this index lists them and runs them.
 */
import { Check, Verification, VerifiablePlan } from "./types";
import { Model } from "./model";
import { routing } from "./checks/routing";
import { health } from "./checks/health";
import { network } from "./checks/network";
import { iam } from "./checks/iam";
import { order } from "./checks/order";
import { quotas } from "./checks/quotas";
import { apiShapes } from "./checks/api-shapes";

export const CHECKS: Check[] = [routing, health, network, iam, order, quotas, apiShapes];

/** Runs every check (or the named ones) over the plan. */
export async function verifyPlan(plan: VerifiablePlan, only?: string[]): Promise<Verification> {
  const model = new Model(plan);
  const checks = [];
  for (const check of CHECKS.filter((c) => !only || only.includes(c.name))) {
    checks.push(await check.run(model));
  }
  return { checks };
}

/** Whether every check holds. */
export function holds(v: Verification): boolean {
  return v.checks.every((c) => c.failures.length === 0);
}

/** The human report: per check what it examined and every failure. */
export function formatVerification(v: Verification): string[] {
  const lines: string[] = [];
  for (const c of v.checks) {
    const examined = Object.entries(c.examined).map(([k, n]) => `${n} ${k}`).join(", ");
    lines.push(`${c.failures.length === 0 ? "ok  " : "FAIL"} ${c.check}: examined ${examined}${c.failures.length ? `; ${c.failures.length} failure(s)` : ""}`);
    for (const f of c.failures) lines.push(`       - ${f.message}\n         resource: ${f.urn}`);
  }
  return lines;
}

export type { Check, CheckResult, Failure, Verification, VerifiablePlan } from "./types";
