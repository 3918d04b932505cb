package access

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/accessapi"
	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/sessionsapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
	"github.com/fountainai/fountainai/internal/app"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/authtest"
	"github.com/fountainai/fountainai/internal/dbtest"
	"github.com/fountainai/fountainai/internal/subprocess"
)

// splitServices are the services of the split shape, each started in a process of its own.
var splitServices = []string{"sequence", "scripts", "characters", "sessions", "stories", "logs", "access"}

// TestTenantBoundaryHoldsAcrossProcesses runs every service in its own process, where each call
// from one service to another crosses the network carrying the caller's credential, and holds the
// tenant boundary to what the single process guarantees: a tenant reads only its own story, even
// when another tenant wrote one with the same names at the same time; a revoked API key stops
// working everywhere within the key cache's 5 seconds; requests without a valid credential are
// refused by every process; and the request logs the processes ship carry the caller's tenant and
// subject, are read by that tenant only, and never hold a credential.
func TestTenantBoundaryHoldsAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	procs := startSplit(t)
	url := func(service string) string { return procs[service].url }

	alphaWriter := authtest.Token("alpha", auth.Writer)
	alphaAdmin := authtest.Token("alpha", auth.Admin)
	betaWriter := authtest.Token("beta", auth.Writer)
	betaAdmin := authtest.Token("beta", auth.Admin)
	defaultAdmin := authtest.Token(auth.DefaultTenant, auth.Admin)
	secrets := map[string]string{ // what no log may hold, by what it is
		"alpha writer token": alphaWriter, "alpha admin token": alphaAdmin,
		"beta writer token": betaWriter, "beta admin token": betaAdmin, "default admin token": defaultAdmin,
		"ingest key": authtest.IngestKey, "HS256 secret": authtest.Secret,
	}
	bearer := func(token string) *http.Client {
		return &http.Client{Transport: authtest.WithCredential("Authorization", "Bearer "+token, nil)}
	}
	alpha, beta := bearer(alphaWriter), bearer(betaWriter)

	// 1. Both tenants write a story with the same titles and names at the same time, each through
	// the content services' processes (which reach the sequence and scripts processes with the
	// writer's credential).
	var wa, wb written
	t.Run("write", func(t *testing.T) {
		t.Run("alpha", func(t *testing.T) { t.Parallel(); wa = writeStory(t, procs, alpha, "alpha") })
		t.Run("beta", func(t *testing.T) { t.Parallel(); wb = writeStory(t, procs, beta, "beta") })
	})
	if t.Failed() {
		return
	}

	// Beta cannot write into alpha's script, nor with alpha's characters: each content process asks
	// the others with beta's credential, finds nothing of alpha's and answers as for a reference
	// to nothing (422 for a reference in the body, 404 for one in the path).
	betaC := newClients(t, procs, beta)
	sw, err := betaC.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: wa.scriptID, Text: "beta: intruding"})
	require.NoError(t, err)
	requireError(t, http.StatusUnprocessableEntity, "SCRIPT_NOT_FOUND", sw.StatusCode(), sw.Body, "a line in alpha's script, as beta")
	act, err := betaC.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: wb.scriptID, CharacterId: new(wa.characters["KEEPER"]), Description: "beta: alpha's keeper"})
	require.NoError(t, err)
	requireError(t, http.StatusUnprocessableEntity, "CHARACTER_NOT_FOUND", act.StatusCode(), act.Body, "an action of alpha's character, as beta")
	cx, err := betaC.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
		ScriptId: wa.scriptID, CharacterId: wb.characters["KEEPER"], StartSequence: 1, Context: json.RawMessage(`{"who":"beta"}`),
	})
	require.NoError(t, err)
	requireError(t, http.StatusUnprocessableEntity, "SCRIPT_NOT_FOUND", cx.StatusCode(), cx.Body, "a context in alpha's script, as beta")
	cx, err = betaC.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
		ScriptId: wb.scriptID, CharacterId: wa.characters["KEEPER"], StartSequence: 1, Context: json.RawMessage(`{"who":"beta"}`),
	})
	require.NoError(t, err)
	requireError(t, http.StatusUnprocessableEntity, "CHARACTER_NOT_FOUND", cx.StatusCode(), cx.Body, "a context of alpha's character, as beta")
	tr, err := betaC.Scripts.CreateTransitionWithResponse(ctx, wa.scriptID, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:"})
	require.NoError(t, err)
	requireError(t, http.StatusNotFound, "SCRIPT_NOT_FOUND", tr.StatusCode(), tr.Body, "a transition in alpha's script, as beta")
	mv, err := betaC.Sequence.ReorderElementsWithResponse(ctx, sequenceapi.ReorderRequest{
		ElementType: sequenceapi.SpokenWord, ScriptId: &wa.scriptID, Scope: new("story"),
		Elements: []sequenceapi.ReorderItem{{ElementId: wa.elements[1].id, NewSequence: 7}},
	})
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, mv.StatusCode(), "a reorder of alpha's story, as beta: %s", mv.Body)

	// 2. The Story Factory's process assembles each tenant's story from the other processes, with
	// the caller's credential.
	alphaStories, betaStories := apitest.NewClients(t, url("stories"), alpha).Stories, apitest.NewClients(t, url("stories"), beta).Stories
	requireStory(t, alphaStories, wa)
	requireStory(t, betaStories, wb)
	for _, c := range []struct {
		name   string
		client *storiesapi.ClientWithResponses
		other  written
	}{{"beta reads alpha's", betaStories, wa}, {"alpha reads beta's", alphaStories, wb}} {
		full, err := c.client.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: c.other.scriptID})
		require.NoError(t, err)
		requireError(t, http.StatusNotFound, "SCRIPT_NOT_FOUND", full.StatusCode(), full.Body, c.name+" story")
		rng, err := c.client.GetStorySequencesWithResponse(ctx, &storiesapi.GetStorySequencesParams{ScriptId: c.other.scriptID, StartSequence: 1, EndSequence: 3})
		require.NoError(t, err)
		requireError(t, http.StatusNotFound, "SCRIPT_NOT_FOUND", rng.StatusCode(), rng.Body, c.name+" range")
	}
	// Another tenant's character, as a filter of one's own story, matches nothing.
	full, err := alphaStories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: wa.scriptID, CharacterId: new(wb.characters["KEEPER"])})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, full.StatusCode(), string(full.Body))
	require.Empty(t, full.JSON200.Story, "beta's keeper in alpha's story")
	require.Zero(t, full.JSON200.TotalCount)

	// Each tenant's lists hold its own only, though the titles and names are the same.
	for _, pair := range [][2]written{{wa, wb}, {wb, wa}} {
		w, other := pair[0], pair[1]
		c := newClients(t, procs, map[string]*http.Client{"alpha": alpha, "beta": beta}[w.tenant])
		scripts, err := c.Scripts.ListScriptsWithResponse(ctx, &scriptsapi.ListScriptsParams{})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, scripts.StatusCode(), string(scripts.Body))
		require.EqualValues(t, 1, scripts.JSON200.TotalCount, "%s's scripts: %s", w.tenant, scripts.Body)
		require.Len(t, scripts.JSON200.Scripts, 1)
		require.Equal(t, w.scriptID, scripts.JSON200.Scripts[0].ScriptId)
		byTitle, err := c.Scripts.ListScriptsWithResponse(ctx, &scriptsapi.ListScriptsParams{Title: new("lighthouse")})
		require.NoError(t, err)
		require.Len(t, byTitle.JSON200.Scripts, 1, "%s's scripts by title: %s", w.tenant, byTitle.Body)
		require.Equal(t, w.scriptID, byTitle.JSON200.Scripts[0].ScriptId)

		chars, err := c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, chars.StatusCode(), string(chars.Body))
		require.EqualValues(t, len(w.characters), chars.JSON200.TotalCount, "%s's characters: %s", w.tenant, chars.Body)
		got := map[string]int64{}
		for _, ch := range chars.JSON200.Items {
			got[ch.Name] = ch.CharacterId
		}
		require.Equal(t, w.characters, got, "%s's characters", w.tenant)
		keeper, err := c.Characters.ListCharactersWithResponse(ctx, &charactersapi.ListCharactersParams{Name: new("keeper")})
		require.NoError(t, err)
		require.Len(t, keeper.JSON200.Items, 1, "%s's keepers: %s", w.tenant, keeper.Body)
		require.Equal(t, w.characters["KEEPER"], keeper.JSON200.Items[0].CharacterId)

		contexts, err := c.Sessions.ListCharacterContextsWithResponse(ctx, &sessionsapi.ListCharacterContextsParams{})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, contexts.StatusCode(), string(contexts.Body))
		require.Len(t, contexts.JSON200.Items, len(w.contexts), "%s's contexts: %s", w.tenant, contexts.Body)
		for _, cx := range contexts.JSON200.Items {
			require.Equal(t, w.scriptID, cx.ScriptId)
		}
		positions, err := c.Sequence.ListPositionsWithResponse(ctx, &sequenceapi.ListPositionsParams{Scope: "story", ScriptId: new(other.scriptID)})
		require.NoError(t, err)
		if positions.StatusCode() == http.StatusOK {
			require.Zero(t, positions.JSON200.TotalCount, "%s sees positions of the other's script: %s", w.tenant, positions.Body)
		} else {
			require.Equal(t, http.StatusNotFound, positions.StatusCode(), string(positions.Body))
		}
	}
	// The story is as it was written, after everything beta tried.
	requireStory(t, alphaStories, wa)

	// 3. An API key made by alpha's admin through the access process works, with its role, in every
	// other process, and stops working everywhere within 5 seconds of its revocation.
	keys := apitest.NewClients(t, url("access"), bearer(alphaAdmin)).Access
	made, err := keys.CreateKeyWithResponse(ctx, accessapi.KeyRequest{Name: "split reader", Role: accessapi.KeyRequestRole(auth.Reader)})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, made.StatusCode(), string(made.Body))
	require.Equal(t, "alpha", made.JSON201.Tenant)
	key := made.JSON201.Key
	secrets["API key"] = key
	_, secrets["API key's secret part"], _ = strings.Cut(strings.TrimPrefix(key, auth.KeyPrefix), "_") // the secret may hold '_' too
	withKey := &http.Client{Transport: authtest.WithCredential(auth.APIKeyHeader, key, nil)}

	me := apitest.NewClients(t, url("access"), withKey).Access
	caller, err := me.GetCallerWithResponse(ctx)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, caller.StatusCode(), string(caller.Body))
	require.Equal(t, accessapi.Caller{Subject: "key:" + made.JSON201.KeyId, Tenant: "alpha", Role: accessapi.Role(auth.Reader)}, *caller.JSON200)
	keyStories := apitest.NewClients(t, url("stories"), withKey).Stories
	requireStory(t, keyStories, wa)
	full, err = keyStories.GetFullStoryWithResponse(ctx, &storiesapi.GetFullStoryParams{ScriptId: wb.scriptID})
	require.NoError(t, err)
	requireError(t, http.StatusNotFound, "SCRIPT_NOT_FOUND", full.StatusCode(), full.Body, "beta's story with alpha's key")
	keyScripts := newClients(t, procs, withKey).Scripts
	write, err := keyScripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "Not allowed"})
	require.NoError(t, err)
	requireError(t, http.StatusForbidden, "FORBIDDEN", write.StatusCode(), write.Body, "a write with a reader key")

	// A read in every process, so that each has the key in its cache when it is revoked.
	reads := readsOf(wa.scriptID)
	for _, r := range reads {
		want := http.StatusOK
		if r.service == "logs" {
			want = http.StatusForbidden // a reader may not read the logs
		}
		require.Equal(t, want, status(t, withKey, url(r.service)+r.path), "%s %s with the key", r.service, r.path)
	}
	revoking := time.Now()
	revoked, err := keys.RevokeKeyWithResponse(ctx, made.JSON201.KeyId)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, revoked.StatusCode(), string(revoked.Body))
	require.Equal(t, http.StatusUnauthorized, status(t, withKey, url("access")+"/me"), "the process that revoked the key refuses it at once")
	for {
		start := time.Now()
		var left []string
		for _, r := range reads {
			if s := status(t, withKey, url(r.service)+r.path); s != http.StatusUnauthorized {
				left = append(left, fmt.Sprintf("%s %s: %d", r.service, r.path, s))
			}
		}
		if len(left) == 0 {
			t.Logf("the revoked key was refused everywhere %s after its revocation", time.Since(revoking).Round(time.Millisecond))
			break
		}
		require.False(t, start.After(revoking.Add(5*time.Second)), "more than 5 s after the revocation, still accepted by %v", left)
		time.Sleep(100 * time.Millisecond)
	}

	// 4. Without a credential, or with a token no process should trust, every process answers 401.
	now := time.Now()
	claims := func() jwt.MapClaims {
		return jwt.MapClaims{"sub": "intruder", "tenant": "alpha", "role": "admin", "aud": authtest.Audience, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	}
	otherSecret, err := jwt.NewWithClaims(jwt.SigningMethodHS256, with(claims(), "iss", authtest.Issuer)).SignedString([]byte(strings.Repeat("s", 32)))
	require.NoError(t, err)
	otherIssuer := authtest.Sign(with(claims(), "iss", "https://evil.example"))
	secrets["token of another secret"], secrets["token of another issuer"] = otherSecret, otherIssuer
	for name, c := range map[string]*http.Client{
		"no credential":           {},
		"token of another secret": bearer(otherSecret),
		"token of another issuer": bearer(otherIssuer),
		"unknown API key":         {Transport: authtest.WithCredential(auth.APIKeyHeader, "fai_0123456789abcdef_"+strings.Repeat("A", 43), nil)},
	} {
		for _, r := range reads {
			require.Equal(t, http.StatusUnauthorized, status(t, c, url(r.service)+r.path), "%s %s with %s", r.service, r.path, name)
		}
		// A write too, and the Story Factory's read, which would reach every other process.
		req, err := http.NewRequest(http.MethodPost, url("scripts")+"/scripts", strings.NewReader(`{"title":"x"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "POST /scripts with %s", name)
	}

	// 5. The request logs every process shipped carry the caller's tenant and subject and are read
	// by that tenant only. Stopping the processes (all but the Logging Service's) flushes what they
	// have not shipped yet.
	alphaLogs := apitest.NewClients(t, url("logs"), bearer(alphaAdmin)).Logs
	shippers := []string{"sequence", "scripts", "characters", "sessions", "stories", "access"}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		entries, _ := readLogs(t, alphaLogs, logsapi.ListLogsParams{})
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Service] = true
		}
		var missing []string
		for _, s := range shippers {
			if !seen[s] {
				missing = append(missing, s)
			}
		}
		if len(missing) == 0 {
			break
		}
		require.False(t, time.Now().After(deadline), "none of alpha's requests of %v reached the Logging Service", missing)
	}
	for _, s := range shippers {
		procs[s].stop()
	}

	// A story read reaches the content processes with the reader's credential, and each logs it
	// with the reader's tenant and subject under the story read's request id.
	storyReads, _ := readLogs(t, alphaLogs, logsapi.ListLogsParams{Service: new("stories"), PathPrefix: new("/stories"), StatusMin: new(200), StatusMax: new(200)})
	require.NotEmpty(t, storyReads, "alpha's story reads")
	betaLogs := apitest.NewClients(t, url("logs"), bearer(betaAdmin)).Logs
	for _, r := range storyReads[:min(len(storyReads), 5)] {
		require.NotNil(t, r.RequestId)
		calls, _ := readLogs(t, alphaLogs, logsapi.ListLogsParams{RequestId: r.RequestId})
		services := map[string]bool{}
		for _, c := range calls {
			services[c.Service] = true
			require.Equal(t, "alpha", deref(c.Tenant), "%s %s of alpha's story read", c.Method, c.Endpoint)
			require.Equal(t, deref(r.Subject), deref(c.Subject), "%s %s of alpha's story read", c.Method, c.Endpoint)
		}
		require.Equal(t, map[string]bool{"stories": true, "sequence": true, "scripts": true, "characters": true, "sessions": true}, services,
			"the processes that served alpha's story read %s", *r.RequestId)
		hidden, _ := readLogs(t, betaLogs, logsapi.ListLogsParams{RequestId: r.RequestId})
		require.Empty(t, hidden, "beta reads the entries of alpha's story read")
	}

	views := map[string]string{"alpha": alphaAdmin, "beta": betaAdmin, auth.DefaultTenant: defaultAdmin}
	var bodies [][]byte
	for tenant, token := range views {
		c := apitest.NewClients(t, url("logs"), bearer(token)).Logs
		entries, raw := readLogs(t, c, logsapi.ListLogsParams{})
		bodies = append(bodies, raw...)
		subjects, services := map[string]bool{}, map[string]bool{}
		for _, e := range entries {
			services[e.Service] = true
			if tenant == auth.DefaultTenant {
				// The requests without a valid credential, which no tenant made.
				require.True(t, e.Tenant == nil || *e.Tenant == auth.DefaultTenant, "default reads an entry of %v: %+v", deref(e.Tenant), e)
				continue
			}
			require.NotNil(t, e.Tenant, "%s reads an entry without a tenant: %s %s %d", tenant, e.Method, e.Endpoint, e.StatusCode)
			require.Equal(t, tenant, *e.Tenant, "%s reads an entry of another tenant: %s %s %d", tenant, e.Method, e.Endpoint, e.StatusCode)
			require.NotNil(t, e.Subject, "%s's entry without a subject: %s %s", tenant, e.Method, e.Endpoint)
			require.NotEmpty(t, *e.Subject)
			subjects[*e.Subject] = true
		}
		switch tenant {
		case "alpha":
			for _, s := range shippers {
				require.True(t, services[s], "alpha's entries of %s", s)
			}
			require.True(t, subjects["test-writer"] && subjects["test-admin"] && subjects["key:"+made.JSON201.KeyId], "alpha's subjects: %v", subjects)
		case "beta":
			for _, s := range []string{"sequence", "scripts", "characters", "sessions", "stories"} {
				require.True(t, services[s], "beta's entries of %s", s)
			}
			require.Equal(t, map[string]bool{"test-writer": true}, subjects)
		default:
			require.NotEmpty(t, entries, "the refused requests are logged, without a tenant")
		}
	}
	procs["logs"].stop()

	// No credential the test used is in any process's output or any log entry.
	for what, secret := range secrets {
		for _, name := range splitServices {
			require.NotContains(t, procs[name].out.String(), secret, "the %s in the output of the %s process", what, name)
		}
		for _, b := range bodies {
			require.NotContains(t, string(b), secret, "the %s in a log entry", what)
		}
		if parts := strings.Split(secret, "."); len(parts) == 3 { // a token's signature alone
			for _, name := range splitServices {
				require.NotContains(t, procs[name].out.String(), parts[2], "the %s's signature in the output of %s", what, name)
			}
			for _, b := range bodies {
				require.NotContains(t, string(b), parts[2], "the %s's signature in a log entry", what)
			}
		}
	}
	for _, name := range splitServices {
		require.Contains(t, procs[name].out.String(), `"msg":"request"`, "the %s process's output, with a line per request, was searched", name)
	}
}

// written is one tenant's story as written.
type written struct {
	tenant     string
	scriptID   int64
	sections   []int64          // heading ids, in order
	characters map[string]int64 // name -> id
	elements   []beatWritten    // in story order
	contexts   []contextWritten
}

type beat struct {
	section    int    // index into sectionTitles
	who        string // a character's name, or none
	line       bool   // spoken words, else an action (or a transition)
	transition bool
	text       string
}

type beatWritten struct {
	beat
	elementType string
	id          int64
}

type contextWritten struct {
	who  string
	from int64
	id   int64
	data string
}

var (
	sectionTitles = []string{"Act I. The shore.", "Act II. The lamp room."}
	characterList = []string{"KEEPER", "CHILD"}
	story         = []beat{
		{section: 0, who: "KEEPER", text: "The keeper climbs the stairs."},
		{section: 0, who: "KEEPER", line: true, text: "The lamp must not go out."},
		{section: 0, text: "Wind against the glass."},
		{section: 0, transition: true, text: "CUT TO:"},
		{section: 1, who: "CHILD", line: true, text: "Why does it turn?"},
		{section: 1, who: "CHILD", text: "The child watches the beam."},
		{section: 1, who: "KEEPER", line: true, text: "So that ships find home."},
	}
	contextList = []struct {
		who  string
		from int64
		mood string
	}{{"KEEPER", 1, "tired"}, {"CHILD", 5, "curious"}, {"KEEPER", 7, "tender"}}
)

// writeStory writes the lighthouse story for tenant through the processes of the content
// services; every text says whose it is.
func writeStory(t *testing.T, procs map[string]*process, hc *http.Client, tenant string) written {
	t.Helper()
	ctx := context.Background()
	c := newClients(t, procs, hc)
	script, err := c.Scripts.CreateScriptWithResponse(ctx, nil, scriptsapi.ScriptRequest{Title: "The Lighthouse", Author: new("Anonymous"), Description: new(tenant + "'s lighthouse")})
	require.NoError(t, err)
	require.Equal(t, http.StatusCreated, script.StatusCode(), string(script.Body))
	w := written{tenant: tenant, scriptID: script.JSON201.ScriptId, characters: map[string]int64{}}
	for _, title := range sectionTitles {
		s, err := c.Scripts.AddSectionHeadingWithResponse(ctx, w.scriptID, nil, scriptsapi.SectionHeadingCreateRequest{Title: title, Kind: new("act")})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, s.StatusCode(), string(s.Body))
		w.sections = append(w.sections, s.JSON201.HeadingId)
	}
	for _, name := range characterList {
		ch, err := c.Characters.CreateCharacterWithResponse(ctx, nil, charactersapi.CharacterCreateRequest{Name: name, Description: "at the lighthouse"})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, ch.StatusCode(), string(ch.Body))
		w.characters[name] = ch.JSON201.CharacterId
	}
	for i, b := range story {
		section := w.sections[b.section]
		var who *int64
		if b.who != "" {
			who = new(w.characters[b.who])
		}
		e := beatWritten{beat: b}
		var seq int64
		switch {
		case b.transition:
			r, err := c.Scripts.CreateTransitionWithResponse(ctx, w.scriptID, nil, scriptsapi.TransitionCreateRequest{Text: b.text, SectionId: &section})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			e.elementType, e.id, seq = "transition", r.JSON201.TransitionId, r.JSON201.SequenceNumber
		case b.line:
			e.text = tenant + ": " + b.text
			r, err := c.Characters.CreateSpokenWordWithResponse(ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: w.scriptID, SectionId: &section, CharacterId: who, Text: e.text})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			e.elementType, e.id, seq = "spokenWord", r.JSON201.DialogueId, r.JSON201.SequenceNumber
		default:
			e.text = tenant + ": " + b.text
			r, err := c.Characters.CreateActionWithResponse(ctx, nil, charactersapi.ActionCreateRequest{ScriptId: w.scriptID, SectionId: &section, CharacterId: who, Description: e.text})
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
			e.elementType, e.id, seq = "action", r.JSON201.ActionId, r.JSON201.SequenceNumber
		}
		require.EqualValues(t, i+1, seq, "%s's element %d gets the next position of its script", tenant, i+1)
		w.elements = append(w.elements, e)
	}
	for _, cx := range contextList {
		data := fmt.Sprintf(`{"mood":%q,"who":%q}`, cx.mood, tenant)
		r, err := c.Sessions.CreateCharacterContextWithResponse(ctx, nil, sessionsapi.CharacterContextRequest{
			CharacterId: w.characters[cx.who], ScriptId: w.scriptID, StartSequence: cx.from, Context: json.RawMessage(data),
		})
		require.NoError(t, err)
		require.Equal(t, http.StatusCreated, r.StatusCode(), string(r.Body))
		w.contexts = append(w.contexts, contextWritten{who: cx.who, from: cx.from, id: r.JSON201.ContextId, data: data})
	}
	return w
}

// want is the story element at position seq (from 1) of w, as the Story Factory should give it.
func (w written) want(seq int64) storiesapi.StoryElement {
	b := w.elements[seq-1]
	e := storiesapi.StoryElement{Sequence: seq, ElementType: storiesapi.StoryElementElementType(b.elementType), SectionId: new(w.sections[b.section])}
	switch b.elementType {
	case "transition":
		e.Transition = &storiesapi.Transition{TransitionId: b.id, Text: b.text}
	case "spokenWord":
		e.SpokenWord = &storiesapi.SpokenWord{DialogueId: b.id, Text: b.text, Sequence: new(seq)}
	default:
		e.Action = &storiesapi.Action{ActionId: b.id, Description: b.text}
	}
	if b.who != "" {
		e.Character = &storiesapi.Character{CharacterId: w.characters[b.who], Name: b.who, Description: "at the lighthouse"}
		var best *contextWritten
		for i, cx := range w.contexts {
			if cx.who == b.who && cx.from <= seq && (best == nil || cx.from > best.from) {
				best = &w.contexts[i]
			}
		}
		if best != nil {
			e.Context = &storiesapi.Context{ContextId: best.id, CharacterId: w.characters[b.who], StartSequence: new(best.from), Data: json.RawMessage(best.data)}
		}
	}
	return e
}

// requireStory reads w's story through c whole, filtered and in pages, and holds it to what w wrote.
func requireStory(t *testing.T, c *storiesapi.ClientWithResponses, w written) {
	t.Helper()
	ctx := context.Background()
	read := func(p storiesapi.GetFullStoryParams) storiesapi.FullStory {
		t.Helper()
		p.ScriptId = w.scriptID
		r, err := c.GetFullStoryWithResponse(ctx, &p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, r.StatusCode(), "%s's story: %s", w.tenant, r.Body)
		require.Equal(t, w.scriptID, r.JSON200.ScriptId)
		require.Equal(t, "The Lighthouse", r.JSON200.Title)
		require.Equal(t, w.tenant+"'s lighthouse", deref(r.JSON200.Description))
		var headings []int64
		for _, s := range r.JSON200.Sections {
			require.Equal(t, w.scriptID, s.ScriptId)
			headings = append(headings, s.HeadingId)
		}
		require.Equal(t, w.sections, headings, "%s's section headings, in order", w.tenant)
		return *r.JSON200
	}
	requireElements := func(what string, got []storiesapi.StoryElement, seqs ...int64) {
		t.Helper()
		want := []storiesapi.StoryElement{}
		for _, s := range seqs {
			want = append(want, w.want(s))
		}
		requireJSONEqual(t, want, got, "%s's %s", w.tenant, what)
	}
	all := []int64{1, 2, 3, 4, 5, 6, 7}

	whole := read(storiesapi.GetFullStoryParams{Limit: new(100)})
	require.EqualValues(t, len(story), whole.TotalCount)
	requireElements("whole story", whole.Story, all...)
	for _, page := range []struct{ offset, limit int64 }{{0, 3}, {3, 3}, {6, 3}, {7, 3}} {
		p := read(storiesapi.GetFullStoryParams{Limit: new(int(page.limit)), Offset: new(page.offset)})
		require.EqualValues(t, len(story), p.TotalCount, "every page counts the whole story")
		requireElements(fmt.Sprintf("page at %d", page.offset), p.Story, all[min(page.offset, 7):min(page.offset+page.limit, 7)]...)
	}
	keeper := read(storiesapi.GetFullStoryParams{Limit: new(100), CharacterId: new(w.characters["KEEPER"])})
	require.EqualValues(t, 3, keeper.TotalCount)
	requireElements("keeper's elements", keeper.Story, 1, 2, 7)
	child := read(storiesapi.GetFullStoryParams{FilterByCharacter: new("child"), Limit: new(1), Offset: new(int64(1))})
	require.EqualValues(t, 2, child.TotalCount)
	requireElements("child's second element", child.Story, 6)

	r, err := c.GetStorySequencesWithResponse(ctx, &storiesapi.GetStorySequencesParams{ScriptId: w.scriptID, StartSequence: 2, EndSequence: 6, CharacterId: new(w.characters["CHILD"])})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode(), "%s's range: %s", w.tenant, r.Body)
	require.EqualValues(t, 2, r.JSON200.TotalCount)
	requireElements("child's elements of 2..6", r.JSON200.Sequences, 5, 6)
}

// requireJSONEqual compares what the API sent with what it should have as JSON, so that pointers
// and raw JSON compare by value.
func requireJSONEqual(t *testing.T, want, got any, msgAndArgs ...any) {
	t.Helper()
	w, err := json.Marshal(want)
	require.NoError(t, err)
	g, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(w), string(g), msgAndArgs...)
}

func requireError(t *testing.T, wantStatus int, wantCode string, gotStatus int, body []byte, what string) {
	t.Helper()
	require.Equal(t, wantStatus, gotStatus, "%s: %s", what, body)
	var e struct {
		ErrorCode string `json:"errorCode"`
	}
	require.NoError(t, json.Unmarshal(body, &e), "%s: %s", what, body)
	require.Equal(t, wantCode, e.ErrorCode, "%s: %s", what, body)
}

// read is a GET of a reader's in a process.
type read struct{ service, path string }

// readsOf are reads in every process of the split shape, of script's resources where they take one.
func readsOf(script int64) []read {
	return []read{
		{"sequence", fmt.Sprintf("/sequence/positions?scope=story&scriptId=%d", script)},
		{"scripts", fmt.Sprintf("/scripts/%d", script)},
		{"characters", "/characters"},
		{"sessions", fmt.Sprintf("/characterContexts?scriptId=%d", script)},
		{"stories", fmt.Sprintf("/stories?scriptId=%d", script)},
		{"logs", "/logs?limit=1"},
		{"access", "/me"},
	}
}

func status(t *testing.T, c *http.Client, url string) int {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// readLogs reads every entry the caller of c may read, page by page, with the raw pages.
func readLogs(t *testing.T, c *logsapi.ClientWithResponses, filter logsapi.ListLogsParams) ([]logsapi.LogEntry, [][]byte) {
	t.Helper()
	var entries []logsapi.LogEntry
	var raw [][]byte
	p := &filter
	p.Limit = new(1000)
	for {
		r, err := c.ListLogsWithResponse(context.Background(), p)
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, r.StatusCode(), string(r.Body))
		entries = append(entries, r.JSON200.Items...)
		raw = append(raw, r.Body)
		if r.JSON200.NextCursor == nil {
			return entries, raw
		}
		p.Cursor = r.JSON200.NextCursor
	}
}

// newClients builds the content services' clients, each on its own process.
func newClients(t *testing.T, procs map[string]*process, hc *http.Client) apitest.Clients {
	t.Helper()
	on := func(name string) apitest.Clients { return apitest.NewClients(t, procs[name].url, hc) }
	return apitest.Clients{Sequence: on("sequence").Sequence, Scripts: on("scripts").Scripts,
		Characters: on("characters").Characters, Sessions: on("sessions").Sessions, HTTP: hc}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// process is one `fountain serve <service>` of the split shape, its output kept whole.
type process struct {
	name, url string
	out       *apitest.Output
	proc      *subprocess.Process
	once      sync.Once
}

func (p *process) stop() { p.once.Do(func() { _ = p.proc.Stop(10 * time.Second) }) }

// startSplit builds the fountain binary, migrates a database of its own and starts every service in
// a process of its own on it, each reaching the others (the Logging Service included, to ship its
// request logs) at their addresses and accepting the test credentials. They are stopped when t ends.
func startSplit(t *testing.T) map[string]*process {
	t.Helper()
	dbURL := dbtest.New(t)
	bin, err := subprocess.BuildFountain(t.TempDir())
	require.NoError(t, err)
	out, err := exec.Command(bin, "migrate", "--database-url", dbURL, "--log-level", "warn", "--ship-logs=false").CombinedOutput()
	require.NoError(t, err, "fountain migrate: %s", out)

	addrs := map[string]string{}
	for _, s := range splitServices {
		addr, err := subprocess.FreeAddr()
		require.NoError(t, err)
		addrs[s] = addr
	}
	// The environment without the developer's FOUNTAIN_ settings, with the test credentials.
	var base []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FOUNTAIN_") {
			base = append(base, kv)
		}
	}
	base = append(base, authtest.Env()...)
	procs := map[string]*process{}
	t.Cleanup(func() {
		// The Logging Service last, so that the others ship their last entries to it.
		for _, s := range splitServices {
			if p := procs[s]; p != nil && s != "logs" {
				p.stop()
			}
		}
		if p := procs["logs"]; p != nil {
			p.stop()
		}
		if t.Failed() {
			for _, s := range splitServices {
				if procs[s] == nil {
					continue
				}
				t.Logf("output of the %s process, without the line per request:\n%s", s, withoutRequestLines(procs[s].out.String()))
			}
		}
	})
	for _, s := range splitServices {
		env := append([]string(nil), base...)
		for _, peer := range splitServices {
			if peer != s {
				env = append(env, app.PeerURLEnv(peer)+"=http://"+addrs[peer])
			}
		}
		cmd := exec.Command(bin, "serve", "--addr", addrs[s], "--database-url", dbURL, "--migrate=false",
			"--shutdown-timeout", "5s", "--max-conns", "8", "--log-level", "info", s)
		cmd.Env = env
		p := &process{name: s, url: "http://" + addrs[s], out: &apitest.Output{}}
		cmd.Stdout, cmd.Stderr = p.out, p.out
		p.proc, err = subprocess.Start(cmd)
		require.NoError(t, err, "start %s", s)
		procs[s] = p
	}
	for _, s := range splitServices {
		require.NoError(t, procs[s].proc.WaitReady(procs[s].url+"/readyz", 30*time.Second), "%s: %s", s, procs[s].out.String())
	}
	return procs
}

func withoutRequestLines(out string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(out, "\n") {
		if !strings.Contains(line, `"msg":"request"`) {
			b.WriteString(line)
		}
	}
	return b.String()
}
