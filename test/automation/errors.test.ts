import { expect } from "chai";
import * as auto from "@pulumi/pulumi/automation";
import {
  CommandError,
  ConcurrentUpdateError,
  ConfigInvalidError,
  PulumiCliMissingError,
  StackNotFoundError,
  mapAutomationError,
} from "../../automation/errors";

// The Automation API's own classifier and result type (internal, but what every CLI failure goes
// through): errors here are built exactly as a failing `pulumi` command would build them.
const { createCommandError } = require("@pulumi/pulumi/automation/errors") as {
  createCommandError: (r: unknown) => auto.CommandError;
};
const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
};

function cliError(stderr: string, code = 255, err?: Error): auto.CommandError {
  return createCommandError(new CommandResult("", stderr, code, err));
}

describe("automation/errors", () => {
  it("maps a missing stack", () => {
    const source = cliError("error: no stack named 'prod' found");
    expect(source).to.be.instanceOf(auto.StackNotFoundError);
    const e = mapAutomationError(source, "prod");
    expect(e).to.be.instanceOf(StackNotFoundError);
    expect(e.message).to.equal("stack prod not found (create it with `pulumi stack init prod`, or check the backend you are logged in to)");
    expect((e as StackNotFoundError).stderr).to.equal("error: no stack named 'prod' found");
  });

  it("maps a locked stack (service and DIY backends), with the attempts", () => {
    for (const stderr of [
      "error: [409] Conflict: Another update is currently in progress.",
      "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end",
    ]) {
      const source = cliError(stderr);
      expect(source).to.be.instanceOf(auto.ConcurrentUpdateError);
      const e = mapAutomationError(source, "prod", 3);
      expect(e).to.be.instanceOf(ConcurrentUpdateError);
      expect((e as ConcurrentUpdateError).attempts).to.equal(3);
      expect(e.message).to.match(/^stack prod is locked by another update (held by .+ )?\(gave up after 3 attempts\); wait for the other update to finish; .*`pulumi cancel --stack prod`/);
    }
  });

  it("maps a pulumi executable that cannot be spawned to PulumiCliMissingError, saying how to install", () => {
    const enoent = Object.assign(new Error("Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT"), { code: "ENOENT" });
    const e = mapAutomationError(cliError(enoent.message, -2, enoent), "prod");
    expect(e).to.be.instanceOf(PulumiCliMissingError);
    expect(e.message).to.contain("`pulumi` was not found on PATH");
    expect(e.message).to.contain("https://www.pulumi.com/docs/iac/download-install/");
  });

  it("maps a too old CLI to PulumiCliMissingError", () => {
    const e = mapAutomationError(new Error("Minimum version requirement failed. The minimum CLI version requirement is 3.150.0, your current CLI version is 3.100.0. Please update the Pulumi CLI."), "prod");
    expect(e).to.be.instanceOf(PulumiCliMissingError);
    expect(e.message).to.contain("your current CLI version is 3.100.0");
  });

  it("keeps every other CLI failure as a CommandError with stderr and the tail in the message", () => {
    const stderr = "Updating (prod)\n\n  aws:ecs:Service web failed\nerror: update failed\n";
    const e = mapAutomationError(cliError(stderr, 255), "prod");
    expect(e).to.be.instanceOf(CommandError);
    expect((e as CommandError).stderr).to.equal(stderr);
    expect((e as CommandError).exitCode).to.equal(255);
    expect(e.message).to.equal("pulumi command failed for stack prod (exit code 255):\nUpdating (prod)\n  aws:ecs:Service web failed\nerror: update failed");
  });

  it("unwraps 3.248's exec wrapping: code -2 around execa's rejection carries the real exit code and stderr", () => {
    // automation/cmd.js: execa rejects on a non-zero exit; the catch-all wraps that rejection as
    // CommandResult("", error.message, -2, error).
    const execa = Object.assign(new Error("Command failed with exit code 255: pulumi up --yes\nerror: update failed"), {
      exitCode: 255,
      stderr: "error: update failed",
      stdout: "Updating (prod)",
    });
    const wrapped = cliError(execa.message, -2, execa);
    const e = mapAutomationError(wrapped, "prod");
    expect(e).to.be.instanceOf(CommandError);
    expect((e as CommandError).exitCode).to.equal(255);
    expect((e as CommandError).stderr).to.equal("error: update failed");
    expect(e.message).to.equal("pulumi command failed for stack prod (exit code 255):\nerror: update failed");
  });

  it("passes its own errors and unrelated errors through", () => {
    const own = new ConfigInvalidError("prod", [{ path: "ecs-fleet:services.web.memory", message: "too much" }]);
    expect(mapAutomationError(own, "prod")).to.equal(own);
    expect(own.message).to.equal("configuration of stack prod is invalid:\n  ecs-fleet:services.web.memory: too much");
    expect(own.name).to.equal("ConfigInvalidError");
    const other = new TypeError("x");
    expect(mapAutomationError(other, "prod")).to.equal(other);
    expect(mapAutomationError("text", "prod").message).to.equal("text");
  });
});
