import { testKiln } from "../tests/support/kiln.ts";
await using kiln = await testKiln();
const doc = await (await kiln.request("/openapi.json")).json();
console.log(JSON.stringify(doc.paths["/conversation/{id}/update"], null, 1).slice(0, 2500));
console.log(JSON.stringify(doc.components.schemas.DisplayUpdate_cart_updated, null, 1).slice(0, 4000));
console.log(Object.keys(doc.components.schemas));
console.log(JSON.stringify(doc.components.schemas.DisplayLineItem, null, 1));
