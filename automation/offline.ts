/**
 * Planning without the Pulumi CLI or AWS: reads Pulumi.<stack>.yaml straight from the project
 * directory (secrets stay encrypted: they read `[secret]`), validates it with the program's own
 * schema and plans the rollout. This is what `fleet rollout --dry-run` prints.
 *
 * The dry run accepts exactly what the real run accepts: it pins the image to its digest with the
 * same resolver (so an image the registry does not have fails here too) and validates every config
 * the rollout would write.
 */
import * as fs from "fs";
import * as path from "path";
import { readStackFile } from "../offline/stack-file";
import { validateConfig } from "../stacks/validate";
import { applyConfigChanges, readProject } from "./config-edit";
import type { ImageResolver } from "./digest";
import { ConfigInvalidError, StackNotFoundError } from "./errors";
import { PROJECT_DIR } from "./fleet-stack";
import { type RolloutPlan, planRollout } from "./rollout";

export interface OfflinePlanOptions {
  stack: string;
  service: string;
  image: string;
  /** The Pulumi project directory. Default: this repository's root. */
  workDir?: string;
  /** Overrides the config's `rollout.bakeMinutes`. */
  bakeMinutes?: number;
  /** Clock for the config's date checks. Default now. */
  now?: Date;
  /** Pins the image to its digest, as the real run does. */
  resolver: ImageResolver;
}

/**
 * Plans a rollout from the stack's config file, and validates every config it would write.
 * Throws StackNotFoundError (no such file), ConfigInvalidError (the config, or the config a wave
 * would write), RolloutPlanError (unknown service), ImageReferenceError (not an image reference) or
 * ImageResolutionError (the registry cannot name its digest).
 */
export async function planRolloutFromFile(options: OfflinePlanOptions): Promise<RolloutPlan> {
  const workDir = path.resolve(options.workDir ?? PROJECT_DIR);
  const { project, stackConfigDir } = readProject(workDir);
  const file = path.join(stackConfigDir, `Pulumi.${options.stack}.yaml`);
  if (!fs.existsSync(file)) throw new StackNotFoundError(options.stack, `${file} does not exist`);
  const { raw } = readStackFile(file, options.stack);
  const result = validateConfig(raw, { stack: options.stack, project, now: options.now ?? new Date() });
  if (!result.ok) throw new ConfigInvalidError(options.stack, result.issues);
  // Unknown service before asking any registry.
  planRollout(result.config, { stack: options.stack, project, service: options.service, image: options.image });
  const resolved = await options.resolver.resolve(options.image);
  const plan = planRollout(result.config, {
    stack: options.stack,
    project,
    service: options.service,
    image: resolved.image,
    bakeMinutes: options.bakeMinutes,
    resolved,
  });
  // Every config the rollout would write must validate, as the real run checks before each write.
  let state = raw;
  for (const changes of [...plan.waves.map((w) => w.changes), plan.promote]) {
    state = applyConfigChanges(state, changes, project);
    const check = validateConfig(state, { stack: options.stack, project, now: options.now ?? new Date() });
    if (!check.ok) throw new ConfigInvalidError(options.stack, check.issues);
  }
  return plan;
}
