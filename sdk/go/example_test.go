package fountain_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"testing"
	"time"

	fountain "github.com/fountainai/fountainai/sdk/go"
	"github.com/fountainai/fountainai/sdk/go/characters"
	"github.com/fountainai/fountainai/sdk/go/scripts"
	"github.com/fountainai/fountainai/sdk/go/stories"
)

// TestMain refuses to run without a server: the examples are the SDK's test against the real
// services, and an example that passes without one would prove nothing.
func TestMain(m *testing.M) {
	if os.Getenv("FOUNTAIN_URL") == "" || os.Getenv("FOUNTAIN_API_KEY") == "" {
		fmt.Fprintln(os.Stderr, "The SDK's examples write to a running FountainAI server: set FOUNTAIN_URL "+
			"(e.g. http://127.0.0.1:8080) and FOUNTAIN_API_KEY (a writer's or admin's API key, e.g. "+
			"$(cat .data/admin-key) after make run). The repository's e2e/sdk test starts a server and does this.")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// Writes a script with a scene, a character and one of its lines, and reads the story back.
func Example() {
	ctx := context.Background()
	c, err := fountain.New(os.Getenv("FOUNTAIN_URL"), fountain.WithAPIKey(os.Getenv("FOUNTAIN_API_KEY")))
	if err != nil {
		log.Fatal(err)
	}
	// A title of its own, so that the example can run again on the same server.
	title := fmt.Sprintf("The Lighthouse %d", time.Now().UnixNano())
	script, err := fountain.Call(c.Scripts.CreateScriptWithResponse(ctx, nil, scripts.ScriptRequest{Title: title}))
	if err != nil {
		log.Fatal(err)
	}
	id := script.JSON201.ScriptId
	kind := "scene"
	scene, err := fountain.Call(c.Scripts.AddSectionHeadingWithResponse(ctx, id, nil,
		scripts.SectionHeadingCreateRequest{Title: "INT. LAMP ROOM - NIGHT", Kind: &kind}))
	if err != nil {
		log.Fatal(err)
	}
	keeper, err := fountain.Call(c.Characters.CreateCharacterWithResponse(ctx, nil,
		characters.CharacterCreateRequest{Name: "KEEPER", Description: "Tends the light."}))
	if err != nil {
		log.Fatal(err)
	}
	_, err = fountain.Call(c.Characters.CreateSpokenWordWithResponse(ctx, nil, characters.SpokenWordCreateRequest{
		ScriptId: id, SectionId: &scene.JSON201.HeadingId, CharacterId: &keeper.JSON201.CharacterId,
		Text: "The lamp is lit.",
	}))
	if err != nil {
		log.Fatal(err)
	}

	story, err := fountain.Call(c.Stories.GetFullStoryWithResponse(ctx, &stories.GetFullStoryParams{ScriptId: id}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(story.JSON200.Title == title)
	for _, s := range story.JSON200.Sections {
		fmt.Println(s.Sequence, s.Title)
	}
	for _, e := range story.JSON200.Story {
		fmt.Printf("%d %s %s: %s\n", e.Sequence, e.ElementType, e.Character.Name, e.SpokenWord.Text)
	}
	// Output:
	// true
	// 1 INT. LAMP ROOM - NIGHT
	// 1 spokenWord KEEPER: The lamp is lit.
}

// An answer other than 2xx is an *Error with the service's errorCode.
func ExampleError() {
	ctx := context.Background()
	c, err := fountain.New(os.Getenv("FOUNTAIN_URL"), fountain.WithAPIKey(os.Getenv("FOUNTAIN_API_KEY")))
	if err != nil {
		log.Fatal(err)
	}
	_, err = fountain.Call(c.Stories.GetFullStoryWithResponse(ctx, &stories.GetFullStoryParams{ScriptId: 1<<53 - 1}))
	var fe *fountain.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Status, fe.ErrorCode, fe.RequestID != "")
	}
	// Output: 404 SCRIPT_NOT_FOUND true
}

// A request the service refuses as invalid names what is wrong in Details.
func ExampleCheck() {
	ctx := context.Background()
	c, err := fountain.New(os.Getenv("FOUNTAIN_URL"), fountain.WithAPIKey(os.Getenv("FOUNTAIN_API_KEY")))
	if err != nil {
		log.Fatal(err)
	}
	resp, err := c.Characters.CreateCharacterWithResponse(ctx, nil, characters.CharacterCreateRequest{Name: "", Description: "nameless"})
	if err != nil {
		log.Fatal(err)
	}
	err = fountain.Check(resp.HTTPResponse, resp.Body)
	var fe *fountain.Error
	if errors.As(err, &fe) {
		fmt.Println(fe.Status, fe.ErrorCode, len(fe.Details) > 0)
	}
	// Output: 400 VALIDATION_FAILED true
}
