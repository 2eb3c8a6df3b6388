import { expect } from "chai";
import {
  applyConfigChanges,
  assertWritable,
  describeChange,
  hasPath,
  pulumiConfigPath,
  qualifyKey,
} from "../../automation/config-edit";

describe("automation/config-edit", () => {
  it("renders --path keys: identifiers dotted, everything else quoted", () => {
    expect(pulumiConfigPath("ecs-fleet:services", ["web", "overrides", "eu-west-1", "image"])).to.equal(
      'ecs-fleet:services.web.overrides["eu-west-1"].image',
    );
    expect(pulumiConfigPath("ecs-fleet:services", ["my.svc"])).to.equal('ecs-fleet:services["my.svc"]');
    expect(pulumiConfigPath("aws:region")).to.equal("aws:region");
  });

  it("qualifies bare keys with the project namespace", () => {
    expect(qualifyKey("services", "ecs-fleet")).to.equal("ecs-fleet:services");
    expect(qualifyKey("aws:region", "ecs-fleet")).to.equal("aws:region");
  });

  it("applies set and remove inside structured values, creating maps as needed", () => {
    const raw = { "ecs-fleet:services": JSON.stringify({ web: { image: "a", overrides: { "us-east-1": { desiredCount: 4 } } } }), "aws:region": "eu-west-1" };
    const next = applyConfigChanges(
      raw,
      [
        { op: "set", key: "services", path: ["web", "overrides", "eu-west-1", "image"], value: "b" },
        { op: "remove", key: "services", path: ["web", "overrides", "us-east-1", "desiredCount"] },
        { op: "set", key: "aws:region", value: "us-east-1" },
        { op: "set", key: "ecs-fleet:rollout", path: ["bakeMinutes"], value: 3 },
      ],
      "ecs-fleet",
    );
    expect(JSON.parse(next["ecs-fleet:services"])).to.deep.equal({ web: { image: "a", overrides: { "us-east-1": {}, "eu-west-1": { image: "b" } } } });
    expect(next["aws:region"]).to.equal("us-east-1");
    expect(JSON.parse(next["ecs-fleet:rollout"])).to.deep.equal({ bakeMinutes: 3 });
    expect(raw["aws:region"]).to.equal("eu-west-1"); // input untouched
  });

  it("refuses to go inside a plain string value", () => {
    expect(() => applyConfigChanges({ "aws:region": "eu-west-1" }, [{ op: "set", key: "aws:region", path: ["x"], value: 1 }], "ecs-fleet")).to.throw(
      "aws:region holds a plain string, not a map: cannot change x inside it",
    );
  });

  it("knows which paths exist", () => {
    const raw = { "ecs-fleet:services": JSON.stringify({ web: { image: "a" } }) };
    expect(hasPath(raw, "ecs-fleet:services", ["web", "image"])).to.equal(true);
    expect(hasPath(raw, "ecs-fleet:services", ["web", "overrides"])).to.equal(false);
    expect(hasPath(raw, "ecs-fleet:rollout")).to.equal(false);
  });

  it("refuses values pulumi config set --path would store with another type", () => {
    expect(() => assertWritable({ op: "set", key: "services", path: ["web", "image"], value: "1234" })).to.throw("pulumi would store it as a number");
    expect(() => assertWritable({ op: "set", key: "services", path: ["web", "x"], value: "true" })).to.throw("pulumi would store it as a boolean");
    expect(() => assertWritable({ op: "set", key: "services", path: ["web", "x"], value: 0.5 })).to.throw("only integers");
    expect(() => assertWritable({ op: "set", key: "services", path: ["web", "image"], value: "nginx:1.27" })).to.not.throw();
    expect(() => assertWritable({ op: "set", key: "aws:region", value: "1234" })).to.not.throw();
  });

  it("describes changes, masking secrets", () => {
    expect(describeChange({ op: "set", key: "services", path: ["web", "image"], value: "x" }, "ecs-fleet")).to.equal('set ecs-fleet:services.web.image = "x"');
    expect(describeChange({ op: "set", key: "token", value: "s3cr3t", secret: true }, "ecs-fleet")).to.equal("set ecs-fleet:token = [secret]");
    expect(describeChange({ op: "remove", key: "services", path: ["web", "overrides"] }, "ecs-fleet")).to.equal("remove ecs-fleet:services.web.overrides");
  });
});
