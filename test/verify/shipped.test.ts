/**
 * The shipped stacks and the test-fixture stack configs verify clean; a failure lists every broken
 * property (it caught the missing dependsOn orders, the per-region ACM validation records for one
 * name and the flow-log IAM gap before the deploy fixes of issue 10).
 */
import { expect } from "chai";
import * as path from "path";
import { verifyPlan } from "../../verify";
import { ROOT } from "../helpers";
import { hostRoutedConfig, planOfRaw, planOfStackFile } from "./fixtures";
import { rawConfig, validConfig } from "../config-fixtures";

const CONFIGS: [string, () => Promise<any>][] = [
  ["Pulumi.dev.yaml", () => planOfStackFile(path.join(ROOT, "Pulumi.dev.yaml"))],
  ["Pulumi.prod.yaml", () => planOfStackFile(path.join(ROOT, "Pulumi.prod.yaml"))],
  ["fixtures/project/Pulumi.staging.yaml", () => planOfStackFile(path.join(ROOT, "test/automation/fixtures/project/Pulumi.staging.yaml"))],
  ["fixtures/project/Pulumi.nowaves.yaml", () => planOfStackFile(path.join(ROOT, "test/automation/fixtures/project/Pulumi.nowaves.yaml"))],
  ["config-fixtures validConfig()", () => planOfRaw("dev", rawConfig(validConfig()))],
  ["verify hostRoutedConfig()", () => planOfRaw("dev", hostRoutedConfig())],
];

describe("verify: the shipped stacks and fixture configs verify clean", function () {
  this.timeout(120000);
  for (const [name, plan] of CONFIGS) {
    it(name, async () => {
      const v = await verifyPlan(await plan());
      const failures = v.checks.flatMap((c) => c.failures.map((f) => `${c.check}: ${f.message} [${f.urn.split("::").pop()}]`));
      expect(failures, `${failures.length} failure(s):\n${failures.join("\n")}`).to.deep.equal([]);
    });
  }
});
