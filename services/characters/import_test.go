package characters_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/characterimportdb"
	"github.com/fountainai/fountainai/internal/dbtest"
)

// TestImportLines calls the published import function as the scripts service does, inside a
// transaction of its own: every line becomes an action or spoken word of the script with its fields,
// the characters are made once per name whatever its case, and a rollback leaves nothing behind.
func TestImportLines(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	tx, err := pool.Begin(bg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = tx.Rollback(bg) })

	lines := json.RawMessage(`[
		{"type": "action", "sectionId": 5, "description": "Enter ROMEO and JULIET."},
		{"type": "spokenWord", "sectionId": 5, "character": "ROMEO", "text": "If I profane with my unworthiest hand", "extension": "(O.S.)", "forced": false},
		{"type": "spokenWord", "sectionId": 5, "character": "Juliet", "text": "Good pilgrim,", "parenthetical": "(smiling)", "dual": true, "forced": true},
		{"type": "spokenWord", "sectionId": 5, "character": "Juliet", "text": "you do wrong your hand too much.", "continuesDialogue": true},
		{"type": "action", "character": "ROMEO", "description": "THE END", "format": "centered", "forced": true},
		{"type": "spokenWord", "text": "Sing, muse.", "lyric": true},
		{"type": "action", "sectionId": null, "character": null, "description": "===", "format": "pageBreak"}
	]`)
	rows, err := characterimportdb.New(tx).ImportLines(bg, "verona", 7, "Imported from a screenplay.", lines)
	require.NoError(t, err)
	require.Len(t, rows, 2+7)

	// The characters first, in the order of their first line, then the lines in order.
	chars := rows[:2]
	for _, r := range chars {
		require.Equal(t, int32(0), r.Ord)
		require.Equal(t, "character", r.ElementType)
	}
	var names []string
	for _, r := range chars {
		var name, description, tenant string
		require.NoError(t, tx.QueryRow(bg, `SELECT name, description, tenant FROM characters.characters WHERE id = $1`, r.ElementID).
			Scan(&name, &description, &tenant))
		require.Equal(t, "Imported from a screenplay.", description)
		require.Equal(t, "verona", tenant)
		names = append(names, name)
	}
	require.ElementsMatch(t, []string{"ROMEO", "Juliet"}, names, "one character per name as spelled")
	romeo, juliet := chars[0].ElementID, chars[1].ElementID
	if names[0] != "ROMEO" {
		romeo, juliet = juliet, romeo
	}

	want := []string{"action", "spokenWord", "spokenWord", "spokenWord", "action", "spokenWord", "action"}
	for i, r := range rows[2:] {
		require.Equal(t, int32(i+1), r.Ord)
		require.Equal(t, want[i], r.ElementType, "line %d", i+1)
	}
	id := func(ord int) int64 { return rows[1+ord].ElementID }

	type action struct {
		Script              int64
		Section, Character  *int64
		Description, Format string
		Forced              bool
	}
	readAction := func(id int64) action {
		var a action
		require.NoError(t, tx.QueryRow(bg, `SELECT script_id, section_id, character_id, description, format, forced
			FROM characters.actions WHERE tenant = 'verona' AND id = $1`, id).
			Scan(&a.Script, &a.Section, &a.Character, &a.Description, &a.Format, &a.Forced))
		return a
	}
	five := int64(5)
	require.Equal(t, action{7, &five, nil, "Enter ROMEO and JULIET.", "action", false}, readAction(id(1)))
	require.Equal(t, action{7, nil, &romeo, "THE END", "centered", true}, readAction(id(5)))
	require.Equal(t, action{7, nil, nil, "===", "pageBreak", false}, readAction(id(7)))

	type spoken struct {
		Script                                 int64
		Section, Character                     *int64
		Text                                   string
		Parenthetical, Extension               *string
		Dual, ContinuesDialogue, Lyric, Forced bool
	}
	readSpoken := func(id int64) spoken {
		var w spoken
		require.NoError(t, tx.QueryRow(bg, `SELECT script_id, section_id, character_id, text, parenthetical, extension,
			dual, continues_dialogue, lyric, forced FROM characters.spoken_words WHERE tenant = 'verona' AND id = $1`, id).
			Scan(&w.Script, &w.Section, &w.Character, &w.Text, &w.Parenthetical, &w.Extension, &w.Dual, &w.ContinuesDialogue, &w.Lyric, &w.Forced))
		return w
	}
	require.Equal(t, spoken{Script: 7, Section: &five, Character: &romeo, Text: "If I profane with my unworthiest hand", Extension: new("(O.S.)")}, readSpoken(id(2)))
	require.Equal(t, spoken{Script: 7, Section: &five, Character: &juliet, Text: "Good pilgrim,", Parenthetical: new("(smiling)"), Dual: true, Forced: true}, readSpoken(id(3)))
	require.Equal(t, spoken{Script: 7, Section: &five, Character: &juliet, Text: "you do wrong your hand too much.", ContinuesDialogue: true}, readSpoken(id(4)))
	require.Equal(t, spoken{Script: 7, Text: "Sing, muse.", Lyric: true}, readSpoken(id(6)))

	require.NoError(t, tx.Rollback(bg))
	for _, table := range []string{"characters", "actions", "spoken_words"} {
		var n int
		require.NoError(t, pool.QueryRow(bg, `SELECT count(*) FROM characters.`+table).Scan(&n))
		require.Zero(t, n, "%s after the rollback", table)
	}
}

// TestImportLinesRefusals: a call the function cannot honour is refused with 22023 (invalid
// parameter value) and writes nothing; a field out of bounds fails its column's constraint.
func TestImportLinesRefusals(t *testing.T) {
	t.Parallel()
	pool := dbtest.NewPool(t)
	call := func(tenant string, scriptID int64, lines string) error {
		return pgx.BeginFunc(bg, pool, func(tx pgx.Tx) error {
			_, err := characterimportdb.New(tx).ImportLines(bg, tenant, scriptID, "Imported.", json.RawMessage(lines))
			return err
		})
	}
	sqlState := func(err error) string {
		pgErr, ok := errors.AsType[*pgconn.PgError](err)
		require.True(t, ok, "expected a database error, got %v", err)
		return pgErr.Code
	}
	for name, tc := range map[string]struct {
		tenant string
		script int64
		lines  string
		code   string
	}{
		"no tenant":       {"", 1, `[]`, "22023"},
		"script 0":        {"t", 0, `[]`, "22023"},
		"negative script": {"t", -1, `[]`, "22023"},
		"not an array":    {"t", 1, `{"type": "action", "description": "x"}`, "22023"},
		"unknown type":    {"t", 1, `[{"type": "transition", "description": "CUT TO:"}]`, "22023"},
		"no type":         {"t", 1, `[{"description": "x"}]`, "22023"},
		"not an object":   {"t", 1, `["x"]`, "22023"},
		"bad format":      {"t", 1, `[{"type": "action", "description": "x", "format": "bold"}]`, "23514"},
		"empty text":      {"t", 1, `[{"type": "spokenWord", "character": "A", "text": ""}]`, "23514"},
		"long extension":  {"t", 1, fmt.Sprintf(`[{"type": "spokenWord", "text": "x", "extension": "(%0101d)"}]`, 0), "23514"},
		"no description":  {"t", 1, `[{"type": "action"}]`, "23502"},
		"long name":       {"t", 1, fmt.Sprintf(`[{"type": "spokenWord", "text": "x", "character": "%0101d"}]`, 0), "23514"},
	} {
		require.Equal(t, tc.code, sqlState(call(tc.tenant, tc.script, tc.lines)), name)
	}
	var n int
	require.NoError(t, pool.QueryRow(bg, `SELECT (SELECT count(*) FROM characters.characters) + (SELECT count(*) FROM characters.actions)
		+ (SELECT count(*) FROM characters.spoken_words)`).Scan(&n))
	require.Zero(t, n)
}

// BenchmarkImportLines imports a 3,000-line screenplay (two thirds dialogue of 40 characters) in
// one call, rolled back after each.
func BenchmarkImportLines(b *testing.B) {
	pool := dbtest.PoolFor(b, dbtest.New(b), 2)
	const n = 3000
	items := make([]map[string]any, n)
	for i := range items {
		if i%3 == 0 {
			items[i] = map[string]any{"type": "action", "sectionId": 1 + i/100, "description": fmt.Sprintf("Something happens, %d.", i)}
			continue
		}
		items[i] = map[string]any{"type": "spokenWord", "sectionId": 1 + i/100, "character": fmt.Sprintf("PERSON %d", i%40),
			"text": fmt.Sprintf("Line %d of the play, spoken aloud.", i), "parenthetical": "(beat)"}
	}
	lines, err := json.Marshal(items)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		tx, err := pool.Begin(bg)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := characterimportdb.New(tx).ImportLines(bg, "bench", 1, "Imported.", lines)
		if err != nil || len(rows) != n+40 {
			b.Fatalf("import: %d rows, %v", len(rows), err)
		}
		if err := tx.Rollback(bg); err != nil {
			b.Fatal(err)
		}
	}
}
