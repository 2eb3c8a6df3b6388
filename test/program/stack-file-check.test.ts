import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { runProgram } from "../../offline/run-plan";
import { recorder } from "../setup";
import { CTX, rawConfig, validConfig } from "../config-fixtures";

const ROOT = path.resolve(__dirname, "..", "..");

describe("pulumi up: the program runs the stack-file reader checks on Pulumi.<stack>.yaml next to Pulumi.yaml", () => {
  it("stops before registering anything when the stack file has a YAML problem the CLI would let through", async () => {
    const stack = `stack-file-check-${process.pid}`;
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    // yaml.v3 decodes !!binary into a string: Pulumi would hand the program "hi", silently.
    fs.writeFileSync(file, "config:\n  aws:region: eu-west-1\n  ecs-fleet:note: !!binary aGk=\n");
    try {
      let error: unknown;
      try {
        await runProgram(recorder, { stack, raw: rawConfig(validConfig()), now: CTX.now });
      } catch (err) {
        error = err;
      }
      expect(String(error)).to.include("invalid stack file: 1 problem(s), listed above");
      expect(recorder.resources).to.have.length(0);
    } finally {
      fs.unlinkSync(file);
    }
  });
});
