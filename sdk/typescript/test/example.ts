// The README's example, type-checked against the built package (npm run typecheck, which e2e/sdk
// runs): a change of a spec or of the SDK that breaks it fails there.
import { FountainError, createFountainClient, unwrap, type scripts } from "../dist/index.js";

declare const process: { env: Record<string, string | undefined> }; // no @types/node needed for one line

const c = createFountainClient({ baseUrl: "http://localhost:8080", apiKey: process.env.FOUNTAIN_API_KEY });
const { scriptId } = await unwrap(c.scripts.POST("/scripts", { body: { title: "The Lighthouse" } }));
const keeper = await unwrap(c.characters.POST("/characters", { body: { name: "KEEPER", description: "Tends the light." } }));
await c.characters.POST("/spokenWords", { body: { scriptId, characterId: keeper.characterId, text: "The lamp is lit." } });
const story = await unwrap(c.stories.GET("/stories", { params: { query: { scriptId } } }));
// /stories also answers Fountain or PDF by Accept, so the answer's type is JSON or text.
if (typeof story !== "string") console.log(story.story[0].spokenWord?.text); // The lamp is lit.
try { await c.stories.GET("/stories", { params: { query: { scriptId: 999 } } }); }
catch (e) { if (e instanceof FountainError) console.log(e.status, e.errorCode, e.details, e.requestId); } // 404 SCRIPT_NOT_FOUND

// The types of the schemas, per service.
export const typed: scripts.components["schemas"]["ScriptRequest"] = { title: "The Lighthouse" };
