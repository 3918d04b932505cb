// Command edit is the load harness for editing in the middle of long orders: inserts and moves of the
// Central Sequence Service in a script's story (and a client scope) of 5,000 and of 50,000 elements,
// each next to pgbench running, on the same database in the same run, the statement the service
// runs for it (queries/sequence.sql, queries/placement.sql) in a transaction of its own:
//
//   - insert one element at number 10: POST /sequence with atSequence 10 into a client scope of the
//     story's size (sequence.allocate_placed); and POST /actions with atSequence 10 into the story
//     (the action's row and sequence.place_v2), when Character Management takes a placement;
//   - move one element of the story, from a random place to right after the element at number 10,
//     after a random element, and to a random number: POST /sequence/move (sequence.move_run);
//   - move a run of 200 elements of the story (through its last) after a random element;
//   - 16 clients at once inserting into one client scope, half after a random element, half at a
//     random number: every request must succeed.
//
// Setup is not measured. The story is a real script (POST /scripts) whose actions are written with
// SQL, in one statement, and placed at the end of its story one by one with sequence.place_v2, the
// function Character Management places them with; the client scope is filled with one call of
// sequence.allocate_positions, the function POST /sequence appends with.
//
// The single-element figures are at one client, closed loop: latency with nothing queued before it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/fountainai/fountainai/bench/internal/harness"
)

const (
	// runLength is the length of the run the block move moves.
	runLength = 200
	// runStart is the number of the run's first element when the story is written.
	runStart = 1001
	// at is the number inserts go to and moves go after.
	at = 10
	// clientScope names the client scope of each script.
	clientScope = "draft"
	// fillBatch is how many actions one transaction places when a story is written.
	fillBatch = 500
)

func main() {
	duration := flag.Duration("duration", 3*time.Second, "length of each measurement")
	sizes := flag.String("sizes", "5000,50000", "story sizes (elements), comma-separated")
	clients := flag.Int("clients", 16, "concurrent clients of the concurrent inserts")
	flag.Parse()
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < runStart+runLength {
			fmt.Fprintf(os.Stderr, "edit: bad size %q (at least %d)\n", s, runStart+runLength)
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	if err := run(*duration, *clients, ns); err != nil {
		fmt.Fprintln(os.Stderr, "edit:", err)
		os.Exit(1)
	}
}

// story is a script whose story holds n actions, ids lo..lo+n-1 in story order as written, and whose
// client scope holds n client elements, action clientLo..clientLo+n-1 in that order.
type story struct {
	n                      int
	script                 int64
	storyScope, draftScope int64
	lo, clientLo           int64
}

func (s story) hi() int64       { return s.lo + int64(s.n) - 1 }
func (s story) clientHi() int64 { return s.clientLo + int64(s.n) - 1 }

// The run the block move moves: the elements written at numbers runStart..runStart+runLength-1.
func (s story) runFirst() int64 { return s.lo + runStart - 1 }
func (s story) runLast() int64  { return s.runFirst() + runLength - 1 }

// row is one line of the table.
type row struct {
	op      string
	size    int
	clients int
	http    stats
	pg      harness.Result
	pgErr   string  // why pgbench has no figure
	sqlMs   float64 // pgbench: the operation's statement alone, without BEGIN and COMMIT
	skipped string  // why the operation was not measured
}

type bench struct {
	ctx     context.Context
	env     *harness.Env
	db      *pgx.Conn
	d       time.Duration
	clients int
	rows    []row
	// failures are the checks that failed after a measurement.
	failures []string
	// nextClient numbers the client elements inserted over HTTP: an element holds one position.
	nextClient atomic.Int64
}

func run(d time.Duration, clients int, sizes []int) error {
	ctx := context.Background()
	env, err := harness.Start(ctx)
	if err != nil {
		return err
	}
	defer env.Close()
	db, err := pgx.Connect(ctx, env.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close(ctx)
	b := &bench{ctx: ctx, env: env, db: db, d: d, clients: clients}
	b.nextClient.Store(1_000_000_000_000)
	fmt.Printf("Editing in the middle (Central Sequence Service) vs pgbench, %s each\n%s, %d cores\n", d, env.Describe(ctx), runtime.NumCPU())
	fmt.Printf("story: actions written with SQL and placed one by one with sequence.place_v2; client scope: sequence.allocate_positions\n\n")

	// What a commit alone costs here: most of a small write's latency is the wait for the disk.
	commit, err := env.PgbenchLatency(ctx, 1, d, "BEGIN;\nSELECT pg_logical_emit_message(true, 'bench', 'commit');\nCOMMIT;\n", nil)
	if err != nil {
		return err
	}
	actionsPlaced, why, err := b.actionsTakePlacement()
	if err != nil {
		return err
	}
	for i, n := range sizes {
		start := time.Now()
		s, err := b.write(n, int64(i+1)*10_000_000)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote a story and a client scope of %d elements in %s\n", n, time.Since(start).Round(time.Millisecond))
		if err := b.measure(s, actionsPlaced, why); err != nil {
			return err
		}
	}
	fmt.Printf("a commit alone (pgbench, a transaction that writes one WAL message): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms\n\n", commit.P50, commit.P90, commit.P99)
	b.print(sizes)
	return nil
}

// measure runs every operation on s. The block move comes first, while its run is whole: the moves
// after it may put elements into it.
func (b *bench) measure(s story, actionsPlaced bool, why string) error {
	for _, step := range []func(story) error{b.blockMove, b.moveAfterTenth, b.moveAfterRandom, b.moveToRandomNumber, b.insertAtTen} {
		if err := step(s); err != nil {
			return err
		}
	}
	if actionsPlaced {
		if err := b.createActionAtTen(s); err != nil {
			return err
		}
	} else {
		b.rows = append(b.rows, row{op: "POST /actions atSequence 10 (story)", size: s.n, clients: 1, skipped: why})
	}
	return b.concurrentInserts(s)
}

// write makes a script with a story of n actions and a client scope of n elements, client ids from
// clientLo.
func (b *bench) write(n int, clientLo int64) (story, error) {
	s := story{n: n, clientLo: clientLo}
	var created struct {
		ScriptID int64 `json:"scriptId"`
	}
	if err := call(http.DefaultClient, "POST", b.env.BaseURL+"/scripts", map[string]any{"title": fmt.Sprintf("Editing a story of %d", n), "author": "bench"}, http.StatusCreated, &created); err != nil {
		return s, err
	}
	s.script = created.ScriptID
	var hi int64
	if err := b.db.QueryRow(b.ctx, `WITH a AS (
    INSERT INTO characters.actions (tenant, script_id, description)
    SELECT 'default', $1, 'Action ' || g || ': she speaks, yet she says nothing.' FROM generate_series(1, $2::int) AS g
    RETURNING id
) SELECT min(id), max(id) FROM a`, s.script, n).Scan(&s.lo, &hi); err != nil {
		return s, fmt.Errorf("write actions: %w", err)
	}
	if hi-s.lo+1 != int64(n) {
		return s, fmt.Errorf("the story's action ids are not consecutive: %d..%d for %d", s.lo, hi, n)
	}
	// One placement per action, in id order, each at the end: as n POST /actions would leave it. A
	// few hundred a transaction: each placement updates the order's row (its count), and a
	// transaction's own updates of one row make a chain that each later placement in it walks.
	for from := s.lo; from <= hi; from += fillBatch {
		if _, err := b.db.Exec(b.ctx, `SELECT count(sequence.place_v2($1, 'story', 'action', a.id, NULL, NULL, NULL, NULL, NULL))
FROM (SELECT id FROM characters.actions WHERE script_id = $1 AND id BETWEEN $2 AND $3 ORDER BY id) a`, s.script, from, min(from+fillBatch-1, hi)); err != nil {
			return s, fmt.Errorf("place actions: %w", err)
		}
	}
	if _, err := b.db.Exec(b.ctx, `SELECT count(*) FROM sequence.allocate_positions('default', $1, $2,
    array_fill('action'::text, ARRAY[$3::int]), ARRAY(SELECT generate_series($4::bigint, $4::bigint + $3::int - 1)))`,
		s.script, clientScope, n, s.clientLo); err != nil {
		return s, fmt.Errorf("fill the client scope: %w", err)
	}
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM sequence.scopes WHERE script_id = $1 AND name = 'story'`, s.script).Scan(&s.storyScope); err != nil {
		return s, err
	}
	if err := b.db.QueryRow(b.ctx, `SELECT id FROM sequence.scopes WHERE script_id = $1 AND name = $2`, s.script, clientScope).Scan(&s.draftScope); err != nil {
		return s, err
	}
	// Statistics for the planner, as autovacuum would have them by now.
	if _, err := b.db.Exec(b.ctx, `ANALYZE sequence.positions; ANALYZE sequence.scopes; ANALYZE characters.actions`); err != nil {
		return s, err
	}
	return s, b.checkDense(s.storyScope, int64(n))
}

// checkDense fails unless the scope holds want positions, as its kept count says too.
func (b *bench) checkDense(scope, want int64) error {
	var count, kept int64
	if err := b.db.QueryRow(b.ctx, `SELECT (SELECT count(*) FROM sequence.positions WHERE scope_id = $1), position_count
FROM sequence.scopes WHERE id = $1`, scope).Scan(&count, &kept); err != nil {
		return err
	}
	if count != want || kept != want {
		return fmt.Errorf("scope %d holds %d positions (kept count %d), want %d", scope, count, kept, want)
	}
	return nil
}

// check records a failure unless the scope holds want positions.
func (b *bench) check(scope, want int64) {
	if err := b.checkDense(scope, want); err != nil {
		b.fail(err.Error())
	}
}

func (b *bench) fail(msg string) { b.failures = append(b.failures, msg) }

// elementAt is the id of the story's element at number k.
func (b *bench) elementAt(s story, k int) (int64, error) {
	var id int64
	err := b.db.QueryRow(b.ctx, `SELECT element_id FROM sequence.positions WHERE scope_id = $1 ORDER BY order_key OFFSET $2 LIMIT 1`, s.storyScope, k-1).Scan(&id)
	return id, err
}

func ref(id int64) map[string]any { return map[string]any{"elementType": "action", "elementId": id} }

// move posts a move of the story's action first (through last, when not 0) with placement where,
// and checks that want elements moved.
func (b *bench) move(c *http.Client, s story, first, last int64, where map[string]any, want int) (moved []position, err error) {
	body := map[string]any{"elementType": "action", "elementId": first, "scriptId": s.script, "scope": "story"}
	if last != 0 {
		body["through"] = ref(last)
	}
	for k, v := range where {
		body[k] = v
	}
	var out struct {
		MovedElements []position `json:"movedElements"`
	}
	if err := call(c, "POST", b.env.BaseURL+"/sequence/move", body, http.StatusOK, &out); err != nil {
		return nil, err
	}
	if len(out.MovedElements) != want {
		return nil, fmt.Errorf("moved %d elements, want %d", len(out.MovedElements), want)
	}
	return out.MovedElements, nil
}

type position struct {
	ElementID      int64 `json:"elementId"`
	SequenceNumber int64 `json:"sequenceNumber"`
}

// randomOther is a random id of lo..hi other than those of skipLo..skipHi (within lo..hi).
func randomOther(rng *rand.Rand, lo, hi, skipLo, skipHi int64) int64 {
	id := lo + rng.Int64N(hi-lo+1-(skipHi-skipLo+1))
	if id >= skipLo {
		id += skipHi - skipLo + 1
	}
	return id
}

func (b *bench) blockMove(s story) error {
	name := fmt.Sprintf("move a run of %d after a random element", runLength)
	h := load(1, b.d, 1, func(c *http.Client, rng *rand.Rand) error {
		_, err := b.move(c, s, s.runFirst(), s.runLast(), map[string]any{"after": ref(randomOther(rng, s.lo, s.hi(), s.runFirst(), s.runLast()))}, runLength)
		return err
	})
	script := fmt.Sprintf(`\set d random(:lo, :hi - %d)
\if :d >= :first
\set d :d + %d
\endif
BEGIN;
%s;
COMMIT;
`, runLength, runLength, b.moveSQL(map[string]string{"first_id": ":first", "last_type": "'action'", "last_id": ":last", "after_type": "'action'", "after_id": ":d"}))
	b.add(name, s, 1, h, script, s.vars(map[string]string{"first": i64(s.runFirst()), "last": i64(s.runLast())}))
	// The run is still one run of runLength, in its order.
	var span int64
	if err := b.db.QueryRow(b.ctx, `SELECT count(*) FROM sequence.positions p
WHERE p.scope_id = $1 AND p.order_key BETWEEN
    (SELECT order_key FROM sequence.positions WHERE scope_id = $1 AND element_type = 'action' AND element_id = $2)
    AND (SELECT order_key FROM sequence.positions WHERE scope_id = $1 AND element_type = 'action' AND element_id = $3)`,
		s.storyScope, s.runFirst(), s.runLast()).Scan(&span); err != nil {
		return err
	}
	if span != runLength {
		b.fail(fmt.Sprintf("after the block moves of the story of %d the run spans %d positions, want %d", s.n, span, runLength))
	}
	b.check(s.storyScope, int64(s.n))
	return nil
}

func (b *bench) moveAfterTenth(s story) error {
	tenth, err := b.elementAt(s, at)
	if err != nil {
		return err
	}
	h := load(1, b.d, 2, func(c *http.Client, rng *rand.Rand) error {
		_, err := b.move(c, s, randomOther(rng, s.lo, s.hi(), tenth, tenth), 0, map[string]any{"after": ref(tenth)}, 1)
		return err
	})
	script := `\set id random(:lo, :hi - 1)
\if :id >= :tenth
\set id :id + 1
\endif
BEGIN;
` + b.moveSQL(map[string]string{"first_id": ":id", "after_type": "'action'", "after_id": ":tenth"}) + `;
COMMIT;
`
	b.add(fmt.Sprintf("move 1 from a random place to after #%d", at), s, 1, h, script, s.vars(map[string]string{"tenth": i64(tenth)}))
	b.check(s.storyScope, int64(s.n))
	return nil
}

func (b *bench) moveAfterRandom(s story) error {
	h := load(1, b.d, 3, func(c *http.Client, rng *rand.Rand) error {
		id := s.lo + rng.Int64N(int64(s.n))
		_, err := b.move(c, s, id, 0, map[string]any{"after": ref(randomOther(rng, s.lo, s.hi(), id, id))}, 1)
		return err
	})
	script := `\set id random(:lo, :hi)
\set nb random(:lo, :hi - 1)
\if :nb >= :id
\set nb :nb + 1
\endif
BEGIN;
` + b.moveSQL(map[string]string{"first_id": ":id", "after_type": "'action'", "after_id": ":nb"}) + `;
COMMIT;
`
	b.add("move 1 after a random element", s, 1, h, script, s.vars(nil))
	b.check(s.storyScope, int64(s.n))
	return nil
}

func (b *bench) moveToRandomNumber(s story) error {
	h := load(1, b.d, 4, func(c *http.Client, rng *rand.Rand) error {
		number := 1 + rng.Int64N(int64(s.n))
		moved, err := b.move(c, s, s.lo+rng.Int64N(int64(s.n)), 0, map[string]any{"atSequence": number}, 1)
		if err == nil && moved[0].SequenceNumber != number {
			err = fmt.Errorf("moved to %d, asked for %d", moved[0].SequenceNumber, number)
		}
		return err
	})
	script := `\set id random(:lo, :hi)
\set number random(1, :n)
BEGIN;
` + b.moveSQL(map[string]string{"first_id": ":id", "at_sequence": ":number"}) + `;
COMMIT;
`
	b.add("move 1 to a random number (atSequence)", s, 1, h, script, s.vars(nil))
	b.check(s.storyScope, int64(s.n))
	return nil
}

// insertAtTen inserts client elements at number 10 of the client scope, which grows by what is
// inserted (a few thousand at most, against 5,000 or 50,000).
func (b *bench) insertAtTen(s story) error {
	h := load(1, b.d, 5, func(c *http.Client, rng *rand.Rand) error {
		number, err := b.insert(c, s, map[string]any{"atSequence": at})
		if err == nil && number != at {
			err = fmt.Errorf("inserted at %d, asked for %d", number, at)
		}
		return err
	})
	script := `\set id random(10000000000000, 999999999999999)
BEGIN;
` + b.allocateSQL(map[string]string{"at_sequence": strconv.Itoa(at)}) + `;
COMMIT;
`
	b.add(fmt.Sprintf("POST /sequence atSequence %d (client scope)", at), s, 1, h, script, s.vars(nil))
	return nil
}

// insert posts a new client element of s's client scope with placement where and answers its number.
func (b *bench) insert(c *http.Client, s story, where map[string]any) (int64, error) {
	body := map[string]any{"elementType": "action", "elementId": b.nextClient.Add(1), "scriptId": s.script, "scope": clientScope}
	for k, v := range where {
		body[k] = v
	}
	var out struct {
		SequenceNumber int64 `json:"sequenceNumber"`
		Created        bool  `json:"created"`
	}
	if err := call(c, "POST", b.env.BaseURL+"/sequence", body, http.StatusCreated, &out); err != nil {
		return 0, err
	}
	if !out.Created {
		return 0, errors.New("the new element already held a position")
	}
	return out.SequenceNumber, nil
}

// concurrentInserts inserts from many clients at once into the client scope, half after a random
// element of those it was filled with, half at a random number of the scope as filled.
func (b *bench) concurrentInserts(s story) error {
	var before int64
	if err := b.db.QueryRow(b.ctx, `SELECT position_count FROM sequence.scopes WHERE id = $1`, s.draftScope).Scan(&before); err != nil {
		return err
	}
	h := load(b.clients, b.d, 6, func(c *http.Client, rng *rand.Rand) error {
		if rng.IntN(2) == 0 {
			_, err := b.insert(c, s, map[string]any{"after": ref(s.clientLo + rng.Int64N(int64(s.n)))})
			return err
		}
		number := 1 + rng.Int64N(int64(s.n))
		got, err := b.insert(c, s, map[string]any{"atSequence": number})
		if err == nil && got != number {
			err = fmt.Errorf("inserted at %d, asked for %d", got, number)
		}
		return err
	})
	// Every insert that was answered is there, and no other.
	b.check(s.draftScope, before+int64(h.N))
	script := `\set id random(10000000000000, 999999999999999)
\set how random(0, 1)
\if :how = 0
\set nb random(:clo, :chi)
BEGIN;
` + b.allocateSQL(map[string]string{"after_type": "'action'", "after_id": ":nb"}) + `;
COMMIT;
\else
\set number random(1, :n)
BEGIN;
` + b.allocateSQL(map[string]string{"at_sequence": ":number"}) + `;
COMMIT;
\endif
`
	b.add(fmt.Sprintf("%d clients insert at random places (client scope)", b.clients), s, b.clients, h, script, s.vars(nil))
	return nil
}

// actionsTakePlacement tells whether POST /actions takes atSequence, on a script of its own.
func (b *bench) actionsTakePlacement() (bool, string, error) {
	var created struct {
		ScriptID int64 `json:"scriptId"`
	}
	if err := call(http.DefaultClient, "POST", b.env.BaseURL+"/scripts", map[string]any{"title": "placement probe", "author": "bench"}, http.StatusCreated, &created); err != nil {
		return false, "", err
	}
	body := map[string]any{"scriptId": created.ScriptID, "description": "probe", "atSequence": 1}
	err := call(http.DefaultClient, "POST", b.env.BaseURL+"/actions", body, http.StatusCreated, nil)
	var status statusError
	if errors.As(err, &status) && status.code == http.StatusBadRequest {
		return false, "POST /actions takes no atSequence here (400 to a body with one)", nil
	}
	return err == nil, "", err
}

func (b *bench) createActionAtTen(s story) error {
	h := load(1, b.d, 7, func(c *http.Client, rng *rand.Rand) error {
		var out struct {
			SequenceNumber int64 `json:"sequenceNumber"`
		}
		body := map[string]any{"scriptId": s.script, "description": "Enter a messenger.", "atSequence": at}
		if err := call(c, "POST", b.env.BaseURL+"/actions", body, http.StatusCreated, &out); err != nil {
			return err
		}
		if out.SequenceNumber != 0 && out.SequenceNumber != at {
			return fmt.Errorf("created at %d, asked for %d", out.SequenceNumber, at)
		}
		return nil
	})
	create, err := harness.Query("queries/characters.sql", "ActionCreate", map[string]string{"script_id": ":script", "description": "'Enter a messenger.'", "format": "'action'", "forced": "false"})
	if err != nil {
		return err
	}
	place, err := harness.Query("queries/placement.sql", "Place", map[string]string{"script_id": ":script", "scope": "'story'", "element_type": "'action'", "element_id": ":id", "at_sequence": strconv.Itoa(at)})
	if err != nil {
		return err
	}
	script := "BEGIN;\n" + create + " \\gset\n" + place + ";\nCOMMIT;\n"
	b.add(fmt.Sprintf("POST /actions atSequence %d (story)", at), s, 1, h, script, s.vars(nil))
	return nil
}

// vars are the pgbench variables of s, with more.
func (s story) vars(more map[string]string) map[string]string {
	v := map[string]string{
		"script": i64(s.script), "scope": i64(s.storyScope), "n": strconv.Itoa(s.n),
		"lo": i64(s.lo), "hi": i64(s.hi()), "clo": i64(s.clientLo), "chi": i64(s.clientHi()),
	}
	for k, x := range more {
		v[k] = x
	}
	return v
}

func i64(v int64) string { return strconv.FormatInt(v, 10) }

// moveSQL is the service's move statement (PositionMove) on the story, moving action :first_id
// unless args say otherwise; arguments args does not name are NULL.
func (b *bench) moveSQL(args map[string]string) string {
	all := map[string]string{"scope_id": ":scope", "first_type": "'action'"}
	for k, v := range args {
		all[k] = v
	}
	q, err := harness.Query("queries/sequence.sql", "PositionMove", all)
	if err != nil {
		panic(err)
	}
	return q
}

// allocateSQL is the service's placed allocation (PositionAllocatePlaced) of client element :id in
// the client scope.
func (b *bench) allocateSQL(args map[string]string) string {
	all := map[string]string{"script_id": ":script", "scope_name": "'" + clientScope + "'", "element_type": "'action'", "element_id": ":id"}
	for k, v := range args {
		all[k] = v
	}
	q, err := harness.Query("queries/sequence.sql", "PositionAllocatePlaced", all)
	if err != nil {
		panic(err)
	}
	return q
}

// add runs script with pgbench next to the HTTP figure h, at the same number of clients.
func (b *bench) add(op string, s story, clients int, h stats, script string, vars map[string]string) {
	r := row{op: op, size: s.n, clients: clients, http: h}
	pg, err := b.env.PgbenchLatency(b.ctx, clients, b.d, script, vars)
	if err != nil {
		r.pgErr = err.Error()
	}
	r.pg = pg
	r.sqlMs = statementMs(pg.Statements, strings.Contains(script, "\\else"))
	b.rows = append(b.rows, r)
	fmt.Fprintf(os.Stderr, "%s, %d: %d requests, %d errors, p50 %.2f ms; pgbench p50 %.2f ms\n", op, s.n, h.N, h.Errors, h.P50, pg.P50)
}

func (b *bench) print(sizes []int) {
	fmt.Printf("%-50s  %6s  %7s  %8s  %7s  %7s  %7s  %6s  %9s  %7s  %7s  %7s  %7s\n",
		"operation", "story", "clients", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "pgbench/s", "p50 ms", "p90 ms", "p99 ms", "SQL ms")
	failures := b.failures
	for _, r := range b.rows {
		if r.skipped != "" {
			fmt.Printf("%-50s  %6d  %s\n", r.op, r.size, "not measured: "+r.skipped)
			continue
		}
		h := r.http
		fmt.Printf("%-50s  %6d  %7d  %8.1f  %7.2f  %7.2f  %7.2f  %6d", r.op, r.size, r.clients, h.RPS, h.P50, h.P90, h.P99, h.Errors)
		if r.pgErr != "" {
			fmt.Printf("  %9s\n", "failed")
			failures = append(failures, fmt.Sprintf("pgbench, %s, %d: %s", r.op, r.size, r.pgErr))
		} else {
			fmt.Printf("  %9.1f  %7.2f  %7.2f  %7.2f  %7.2f\n", r.pg.RPS, r.pg.P50, r.pg.P90, r.pg.P99, r.sqlMs)
		}
		if h.Errors > 0 {
			failures = append(failures, fmt.Sprintf("%s, %d: %d errors, first: %s", r.op, r.size, h.Errors, h.FirstErr))
		}
	}
	fmt.Println()
	if len(sizes) >= 2 {
		small, large := sizes[0], sizes[len(sizes)-1]
		fmt.Printf("growth %d -> %d elements (p50 over HTTP; pgbench p50; SQL ms), and the target for one client (p50 under 5 ms at every size):\n", small, large)
		byOp := map[string]map[int]row{}
		var ops []string
		for _, r := range b.rows {
			if r.skipped != "" {
				continue
			}
			if byOp[r.op] == nil {
				byOp[r.op] = map[int]row{}
				ops = append(ops, r.op)
			}
			byOp[r.op][r.size] = r
		}
		for _, op := range ops {
			a, okA := byOp[op][small]
			z, okZ := byOp[op][large]
			if !okA || !okZ || a.http.P50 == 0 {
				continue
			}
			verdict := "met"
			if a.clients > 1 {
				// Many clients of one order queue on its lock: a throughput figure, not a latency one.
				verdict = "(queued: see req/s and errors)"
			} else if slices.ContainsFunc(sizes, func(n int) bool { r, ok := byOp[op][n]; return ok && r.http.P50 >= 5 }) {
				verdict = "MISSED"
			}
			fmt.Printf("  %-50s  x%.2f  (pgbench x%.2f, SQL x%.2f)  %s\n", op, z.http.P50/a.http.P50, z.pg.P50/max(a.pg.P50, 0.001), z.sqlMs/max(a.sqlMs, 0.001), verdict)
		}
	}
	for _, f := range failures {
		fmt.Println("FAILED:", f)
	}
}

// statementMs is the mean latency of the operation's statements in a pgbench transaction, without
// BEGIN and COMMIT (whose wait for the disk is most of a small write's latency): their sum, or, in a
// script of branches that run one statement each (alternatives), their mean.
func statementMs(st []harness.Statement, alternatives bool) float64 {
	var sum float64
	var n int
	for _, s := range st {
		if first := strings.ToUpper(strings.TrimSpace(s.SQL)); first == "BEGIN;" || first == "COMMIT;" {
			continue
		}
		sum += s.Ms
		n++
	}
	if alternatives && n > 0 {
		return sum / float64(n)
	}
	return sum
}

// stats is what a load run measured over HTTP, errors included.
type stats struct {
	N, Errors          int
	RPS, P50, P90, P99 float64 // requests/s (answered without error); milliseconds
	FirstErr           string
}

// load runs clients closed-loop workers for d, each with a random source of its own (seeded from
// seed, so runs repeat), and counts the operations that failed instead of stopping at the first.
func load(clients int, d time.Duration, seed uint64, op func(c *http.Client, rng *rand.Rand) error) stats {
	transport := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: harness.AdminBearer(transport), Timeout: 60 * time.Second}
	defer transport.CloseIdleConnections()
	var mu sync.Mutex
	var lat []time.Duration
	var st stats
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			local := make([]time.Duration, 0, 4096)
			var errs int
			var first string
			for time.Now().Before(deadline) {
				t0 := time.Now()
				err := op(client, rng)
				took := time.Since(t0)
				if err != nil {
					if errs == 0 {
						first = err.Error()
					}
					errs++
					continue
				}
				local = append(local, took)
			}
			mu.Lock()
			lat = append(lat, local...)
			st.Errors += errs
			if st.FirstErr == "" {
				st.FirstErr = first
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	st.N = len(lat)
	st.RPS = float64(len(lat)) / elapsed.Seconds()
	st.P50, st.P90, st.P99 = harness.Percentile(lat, 0.50), harness.Percentile(lat, 0.90), harness.Percentile(lat, 0.99)
	return st
}

type statusError struct {
	code int
	msg  string
}

func (e statusError) Error() string { return e.msg }

func call(c *http.Client, method, url string, body any, want int, out any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return statusError{resp.StatusCode, fmt.Sprintf("%s %s: %d %s", method, url, resp.StatusCode, got)}
	}
	if out != nil {
		return json.Unmarshal(got, out)
	}
	return nil
}
