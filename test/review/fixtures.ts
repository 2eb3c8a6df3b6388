/**
 * Plan documents for the review tests, made by running the real program (one run per config, shared
 * through `before` hooks): the shipped prod stack, and prod edited the way a pull request would.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { recorder } from "../setup";
import { runProgram } from "../../offline/run-plan";
import { configMap, readStackFile } from "../../offline/stack-file";
import { planDocument } from "../../offline/report";
import { evaluate } from "../../policy/evaluate";
import { fromRecorded } from "../../policy/recorded";
import { PlanDoc } from "../../review/model";

export const ROOT = path.resolve(__dirname, "..", "..");
export const NOW = new Date("2026-11-24T00:00:00Z");

/** Plans a raw config map into the plan document `npm run plan -- --json` prints. */
export async function planOf(stack: string, raw: Record<string, string>, secretKeys: string[] = []): Promise<PlanDoc> {
  const run = await runProgram(recorder, { stack, raw, secretKeys, now: NOW });
  if (!run.ok) throw new Error(run.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  const violations = evaluate(fromRecorded(run.resources), { stack: run.stack, project: run.project, now: NOW });
  return JSON.parse(JSON.stringify(planDocument(run, violations)));
}

export async function shippedPlan(stack: string): Promise<PlanDoc> {
  const file = readStackFile(path.join(ROOT, `Pulumi.${stack}.yaml`));
  return planOf(stack, file.raw, file.secretKeys);
}

/** Replaces `from` by `to` in `text`, failing loudly when the shipped file no longer has `from`. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the shipped stack file no longer contains:\n${from}`);
  return text.replace(from, to);
}

/**
 * Pulumi.prod.yaml as a pull request would change it: adds the region eu-central-1 (and its rollout
 * wave), resizes the search service (1 vCPU / 4 GB → 2 vCPU / 8 GB), removes the site virginia-dc
 * (and the web service's placement and override there).
 */
export function editedProdYaml(): string {
  let s = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
  s = edit(s, "    ap-southeast-2:\n      cidr: 10.120.0.0/16\n      azCount: 3\n      natGateways: perAz\n", "    ap-southeast-2:\n      cidr: 10.120.0.0/16\n      azCount: 3\n      natGateways: perAz\n    eu-central-1:\n      cidr: 10.130.0.0/16\n      azCount: 2\n      natGateways: single\n");
  s = edit(s, "      - [us-east-1, ap-southeast-2]", "      - [us-east-1, ap-southeast-2, eu-central-1]");
  s = edit(s, "    search:\n      image: public.ecr.aws/docker/library/httpd:2.4\n      architecture: arm64\n      cpu: 1024\n      memory: 4096", "    search:\n      image: public.ecr.aws/docker/library/httpd:2.4\n      architecture: arm64\n      cpu: 2048\n      memory: 8192");
  s = edit(s, "sites: [amsterdam-dc, virginia-dc]", "sites: [amsterdam-dc]");
  s = edit(s, "        virginia-dc:\n          desiredCount: 2\n", "");
  s = edit(s, "    virginia-dc:\n      region: us-east-1\n      hosts: 2\n      networkMode: host\n", "");
  return s;
}

export function rawOfYaml(text: string): { raw: Record<string, string>; secretKeys: string[] } {
  return configMap((parse(text) as { config: Record<string, unknown> }).config);
}
