import assert from "node:assert/strict";
import { systemTool } from "./support/system_tools.ts";

Deno.test("a missing system tool skips its tests, unless KILN_REQUIRE_SYSTEM_TOOLS=1 makes it fail", () => {
  const previous = Deno.env.get("KILN_REQUIRE_SYSTEM_TOOLS");
  const warn = console.warn;
  const warnings: string[] = [];
  console.warn = (message: string) => warnings.push(message);
  try {
    Deno.env.delete("KILN_REQUIRE_SYSTEM_TOOLS");
    assert.deepEqual(
      systemTool("frobnicator", ["/nonexistent/frobnicator"], "apt-get install -y frobnicator"),
      {
        ignore: true,
        path: "",
      },
    );
    assert.match(warnings[0], /frobnicator not found .*apt-get install -y frobnicator/);
    Deno.env.set("KILN_REQUIRE_SYSTEM_TOOLS", "1");
    assert.throws(
      () => systemTool("frobnicator", ["/nonexistent/frobnicator"], "apt-get install"),
      /KILN_REQUIRE_SYSTEM_TOOLS=1/,
    );
    assert.deepEqual(systemTool("sh", ["/nonexistent/sh", "/bin/sh"], "apt-get install dash"), {
      ignore: false,
      path: "/bin/sh",
    });
  } finally {
    console.warn = warn;
    if (previous === undefined) Deno.env.delete("KILN_REQUIRE_SYSTEM_TOOLS");
    else Deno.env.set("KILN_REQUIRE_SYSTEM_TOOLS", previous);
  }
});
