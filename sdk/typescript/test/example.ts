// The README's example, type-checked against the built package (npm run typecheck): a change of a
// spec that breaks it fails here first.
import { FountainError, createFountainClient, unwrap, type stories } from "../dist/index.js";

export async function example(baseUrl: string, apiKey: string): Promise<string[]> {
  const c = createFountainClient({ baseUrl, apiKey });
  const { scriptId } = await unwrap(c.scripts.POST("/scripts", { body: { title: "The Lighthouse" } }));
  const scene = await unwrap(c.scripts.POST("/scripts/{scriptId}/sections", { params: { path: { scriptId } }, body: { title: "INT. LAMP ROOM - NIGHT" } }));
  const keeper = await unwrap(c.characters.POST("/characters", { body: { name: "KEEPER", description: "Tends the light." } }));
  await unwrap(c.characters.POST("/spokenWords", { body: { scriptId, sectionId: scene.headingId, characterId: keeper.characterId, text: "The lamp is lit." } }));
  const story: stories.components["schemas"]["FullStory"] = await unwrap(c.stories.GET("/stories", { params: { query: { scriptId } } }));
  try {
    await c.stories.GET("/stories", { params: { query: { scriptId: 9007199254740991 } } });
  } catch (e) {
    if (e instanceof FountainError && e.errorCode === "SCRIPT_NOT_FOUND") return [];
  }
  return story.story.map((e) => `${e.character?.name}: ${e.spokenWord?.text}`);
}
