package e2e_test

// A model-based test of the orders of the Central Sequence Service: random sequences of inserts,
// moves, releases, reorders and refused requests, each followed by every read of the order, which
// must equal a plain slice of elements to which the same operations were applied.
//
// Every run logs its seed; FOUNTAIN_ORDER_SEED=<seed> (or -order.seed) repeats its operations,
// FOUNTAIN_ORDER_STEPS (or -order.steps) sets how many a run makes.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/charactersapi"
	"github.com/fountainai/fountainai/gen/scriptsapi"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/gen/storiesapi"
	"github.com/fountainai/fountainai/internal/apitest"
)

const (
	envOrderSeed  = "FOUNTAIN_ORDER_SEED"
	envOrderSteps = "FOUNTAIN_ORDER_STEPS"
)

var (
	orderSeedFlag  = flag.Int64("order.seed", 0, "seed of the order model tests (0: "+envOrderSeed+", else the clock)")
	orderStepsFlag = flag.Int("order.steps", 0, "operations of each order model run (0: "+envOrderSteps+", else the test's own)")
)

// orderRand is the random source of test t: the seed given, or a new one, which it logs, mixed
// with the test's name so that one seed repeats every test of a run.
func orderRand(t *testing.T) *rand.Rand {
	t.Helper()
	seed := *orderSeedFlag
	if s := os.Getenv(envOrderSeed); seed == 0 && s != "" {
		var err error
		seed, err = strconv.ParseInt(s, 10, 64)
		require.NoError(t, err, envOrderSeed)
	}
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d; repeat with %s=%d go test -run '^%s$' ./e2e/", seed, envOrderSeed, seed, t.Name())
	h := fnv.New64a()
	_, _ = h.Write([]byte(t.Name()))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// orderSteps is how many operations a run makes: the number given, or def.
func orderSteps(t *testing.T, def int) int {
	t.Helper()
	if *orderStepsFlag > 0 {
		return *orderStepsFlag
	}
	if s := os.Getenv(envOrderSteps); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, envOrderSteps)
		return n
	}
	return def
}

// ref names an element of an order.
type ref struct {
	Type sequenceapi.ElementType
	ID   int64
}

func (r ref) String() string { return fmt.Sprintf("%s %d", r.Type, r.ID) }

func (r ref) api() *sequenceapi.ElementRef {
	return &sequenceapi.ElementRef{ElementType: r.Type, ElementId: r.ID}
}

// orderModel is what an order should be: its elements, first to last. Element i has number i+1.
type orderModel []ref

func (m orderModel) index(e ref) int { return slices.Index(m, e) }

// with is m with e inserted at index i.
func (m orderModel) with(i int, e ref) orderModel {
	return slices.Insert(slices.Clone(m), i, e)
}

// without is m without the elements i through j.
func (m orderModel) without(i, j int) orderModel {
	return slices.Delete(slices.Clone(m), i, j+1)
}

// moved is m with the run i through j put where p says, p naming a place in m without the run.
func (m orderModel) moved(i, j int, p place) orderModel {
	rest := m.without(i, j)
	return slices.Insert(rest, p.index(rest), m[i:j+1]...)
}

// positions are the positions of m, numbered, that keep says to keep.
func (m orderModel) positions(keep func(n int64, e ref) bool) []sequenceapi.Position {
	out := []sequenceapi.Position{}
	for i, e := range m {
		if n := int64(i + 1); keep == nil || keep(n, e) {
			out = append(out, sequenceapi.Position{ElementType: e.Type, ElementId: e.ID, SequenceNumber: n})
		}
	}
	return out
}

func (m orderModel) ofType(typ sequenceapi.ElementType) orderModel {
	var out orderModel
	for _, e := range m {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// placeKind is how a request says where an element goes.
type placeKind int

const (
	placeEnd placeKind = iota
	placeBefore
	placeAfter
	placeAt
)

// place is where an insert or a move puts its element(s).
type place struct {
	kind placeKind
	next ref   // placeBefore, placeAfter
	at   int64 // placeAt
}

func (p place) String() string {
	switch p.kind {
	case placeBefore:
		return "before " + p.next.String()
	case placeAfter:
		return "after " + p.next.String()
	case placeAt:
		return fmt.Sprintf("at %d", p.at)
	}
	return "at the end"
}

// fields are p as a request's before, after and atSequence.
func (p place) fields() (before, after *sequenceapi.ElementRef, at *int64) {
	switch p.kind {
	case placeBefore:
		before = p.next.api()
	case placeAfter:
		after = p.next.api()
	case placeAt:
		at = &p.at
	}
	return before, after, at
}

// refAs is a neighbour in the words of a content service's spec.
func refAs[R any](e *sequenceapi.ElementRef, as func(sequenceapi.ElementRef) R) *R {
	if e == nil {
		return nil
	}
	r := as(*e)
	return &r
}

func newCharactersRef(e sequenceapi.ElementRef) charactersapi.StoryElementRef {
	return charactersapi.StoryElementRef{ElementType: charactersapi.StoryElementType(e.ElementType), ElementId: e.ElementId}
}

func newStoryRef(e sequenceapi.ElementRef) scriptsapi.StoryElementRef {
	return scriptsapi.StoryElementRef{ElementType: scriptsapi.StoryElementType(e.ElementType), ElementId: e.ElementId}
}

func newSectionRef(e sequenceapi.ElementRef) scriptsapi.SectionElementRef {
	return scriptsapi.SectionElementRef{ElementType: scriptsapi.SectionElementType(e.ElementType), ElementId: e.ElementId}
}

// index is where p puts an element in m, an order that does not hold it.
func (p place) index(m orderModel) int {
	switch p.kind {
	case placeBefore:
		return m.index(p.next)
	case placeAfter:
		return m.index(p.next) + 1
	case placeAt:
		return int(p.at) - 1
	}
	return len(m)
}

// outcome is what a request was answered: its status, its errorCode if it is an error, its body.
type outcome struct {
	status int
	code   string
	body   []byte
}

func outcomeOf(status int, body []byte) outcome {
	o := outcome{status: status, body: body}
	if status >= 400 {
		var e struct {
			ErrorCode string `json:"errorCode"`
		}
		_ = json.Unmarshal(body, &e)
		o.code = e.ErrorCode
	}
	return o
}

func (o outcome) String() string {
	if o.code != "" {
		return fmt.Sprintf("%d %s", o.status, o.code)
	}
	return strconv.Itoa(o.status)
}

// naming is one way a move or a reorder names the order of its elements.
type naming struct {
	name    string
	move    func(*sequenceapi.MoveRequest)
	reorder func(*sequenceapi.ReorderRequest) // nil: a reorder cannot name the order this way
}

// orderTarget is an order under test and the requests that change it besides moves and reorders.
type orderTarget struct {
	name     string
	scriptID *int64
	scope    string
	owner    sequenceapi.Owner
	types    []sequenceapi.ElementType // the element types it holds
	client   bool                      // positions placed through POST /sequence, released through DELETE

	// createAt are the placements create takes: every one, through POST /sequence and through the
	// content services' creates alike.
	createAt []placeKind
	// create makes an element of type typ where p says (id is the client's; the content services
	// choose theirs) and answers it with its number; a refusal is the outcome.
	create func(r *orderRun, typ sequenceapi.ElementType, id int64, p place) (ref, int64, outcome)
	// remove deletes the element, or releases its position: 204.
	remove func(r *orderRun, e ref) outcome
	// namings are the ways moves and reorders may name the order.
	namings []naming
	// readOthers compares the reads of other services with the model.
	readOthers func(r *orderRun)
}

// orderRun is one random run against one order.
type orderRun struct {
	t      *testing.T
	ctx    context.Context
	rng    *rand.Rand
	c      apitest.Clients
	target *orderTarget
	model  orderModel
	gone   []ref // elements that held a position in the order, or were refused one, and hold none
	ids    map[sequenceapi.ElementType]int64
	step   int
	log    []string
}

// orderOp is a kind of operation: do makes one, checks its answer and updates the model, and
// says what it did; it answers "" when the order's state does not allow it.
type orderOp struct {
	name   string
	weight int
	do     func(r *orderRun) string
}

// newOrderRun serves every service on a fresh database and starts a run against the order that
// target makes of it.
func newOrderRun(t *testing.T, target func(r *orderRun) *orderTarget) *orderRun {
	t.Helper()
	r := &orderRun{
		t: t, ctx: context.Background(), rng: orderRand(t), c: newClients(t),
		ids: map[sequenceapi.ElementType]int64{},
	}
	r.target = target(r)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s after %d operations; the last ones:\n%s\nthe model: %v", r.target.name, r.step, r.lastOps(40), r.model)
		}
	})
	return r
}

func (r *orderRun) lastOps(n int) string {
	from := max(0, len(r.log)-n)
	return strings.Join(r.log[from:], "\n")
}

// run makes steps random operations, reading the whole order back after each.
func (r *orderRun) run(steps int, ops []orderOp) {
	total := 0
	for _, op := range ops {
		total += op.weight
	}
	counts := map[string]int{}
	r.checkReads()
	for r.step = 1; r.step <= steps; {
		pick := r.rng.IntN(total)
		var op orderOp
		for _, op = range ops {
			if pick < op.weight {
				break
			}
			pick -= op.weight
		}
		before := slices.Clone(r.model)
		what := op.do(r)
		if what == "" {
			continue
		}
		r.log = append(r.log, fmt.Sprintf("%4d %-22s %s (now %d)", r.step, op.name, what, len(r.model)))
		if strings.HasPrefix(op.name, "refused") {
			require.Equal(r.t, before, r.model, "a refused operation leaves the model alone")
		}
		r.checkReads()
		counts[op.name]++
		r.step++
	}
	r.t.Logf("%s: %d operations, %d elements at the end; %v", r.target.name, steps, len(r.model), counts)
}

// freshID is an id of type typ that has never held a position here.
func (r *orderRun) freshID(typ sequenceapi.ElementType) int64 {
	r.ids[typ]++
	return r.ids[typ]
}

// randomElement is an element of the order, or false if it is empty.
func (r *orderRun) randomElement() (int, ref, bool) {
	if len(r.model) == 0 {
		return 0, ref{}, false
	}
	i := r.rng.IntN(len(r.model))
	return i, r.model[i], true
}

// stranger is an element that holds no position in the order: one that left it, or one that never
// had one.
func (r *orderRun) stranger() ref {
	if len(r.gone) > 0 && r.rng.IntN(3) > 0 {
		return r.gone[r.rng.IntN(len(r.gone))]
	}
	typ := r.target.types[r.rng.IntN(len(r.target.types))]
	return ref{Type: typ, ID: 1_000_000_000 + r.rng.Int64N(1_000_000)}
}

// randomPlace is a place in m of one of kinds, its neighbour one of m's elements; false when m
// offers none of them.
func (r *orderRun) randomPlace(m orderModel, kinds []placeKind) (place, bool) {
	var possible []placeKind
	for _, k := range kinds {
		if len(m) > 0 || k == placeEnd || k == placeAt {
			possible = append(possible, k)
		}
	}
	if len(possible) == 0 {
		return place{}, false
	}
	p := place{kind: possible[r.rng.IntN(len(possible))]}
	switch p.kind {
	case placeBefore, placeAfter:
		p.next = m[r.rng.IntN(len(m))]
	case placeAt:
		p.at = 1 + r.rng.Int64N(int64(len(m))+1)
	}
	return p, true
}

// randomRun is a run of the order, first index to last, of length 1 now and then, else longer.
func (r *orderRun) randomRun() (int, int) {
	n := len(r.model)
	i := r.rng.IntN(n)
	k := 1
	if r.rng.IntN(3) > 0 {
		k = 1 + r.rng.IntN(min(n-i, 1+n/3))
	}
	return i, i + k - 1
}

func (r *orderRun) naming() naming { return r.target.namings[r.rng.IntN(len(r.target.namings))] }

// move sends a move of the run first through last (nil: first alone) to p.
func (r *orderRun) move(first ref, through *ref, p place, nm naming) (*sequenceapi.MoveElementsResponse, outcome) {
	req := sequenceapi.MoveRequest{ElementType: first.Type, ElementId: first.ID}
	if through != nil {
		req.Through = through.api()
	}
	req.Before, req.After, req.AtSequence = p.fields()
	nm.move(&req)
	resp, err := r.c.Sequence.MoveElementsWithResponse(r.ctx, nil, req)
	require.NoError(r.t, err)
	return resp, outcomeOf(resp.StatusCode(), resp.Body)
}

// expect fails the run unless o is status with errorCode code ("" for any).
func (r *orderRun) expect(o outcome, status int, code string, what string) {
	r.t.Helper()
	if o.status != status || (code != "" && o.code != code) {
		want := strconv.Itoa(status)
		if code != "" {
			want += " " + code
		}
		r.t.Fatalf("step %d, %s: want %s, got %s: %s", r.step, what, want, o, o.body)
	}
}

// checkMoved checks a move's answer: the run, in order, with its numbers in the model.
func (r *orderRun) checkMoved(resp *sequenceapi.MoveElementsResponse, i, j int, what string) {
	r.t.Helper()
	got := resp.JSON200
	require.NotNil(r.t, got, "step %d, %s: %s", r.step, what, resp.Body)
	require.Equal(r.t, r.target.owner, got.Owner, "step %d, %s: owner", r.step, what)
	require.Equal(r.t, r.target.scope, got.Scope, "step %d, %s: scope", r.step, what)
	require.Equal(r.t, r.target.scriptID, got.ScriptId, "step %d, %s: scriptId", r.step, what)
	want := r.model.positions(func(n int64, _ ref) bool { return n >= int64(i+1) && n <= int64(j+1) })
	require.Equal(r.t, want, got.MovedElements, "step %d, %s: moved elements and their numbers", r.step, what)
}

// The operations every order takes.

func opInsert(r *orderRun) string {
	p, ok := r.randomPlace(r.model, r.target.createAt)
	if !ok {
		return ""
	}
	return r.insert(p)
}

// insert creates an element at p and checks the number it is answered.
func (r *orderRun) insert(p place) string {
	typ := r.target.types[r.rng.IntN(len(r.target.types))]
	var id int64
	if r.target.client {
		// Now and then an element that left the order comes back.
		if len(r.gone) > 0 && r.rng.IntN(4) == 0 {
			g := r.gone[r.rng.IntN(len(r.gone))]
			typ, id = g.Type, g.ID
		} else {
			id = r.freshID(typ)
		}
	}
	what := fmt.Sprintf("%s %d %s", typ, id, p)
	e, number, o := r.target.create(r, typ, id, p)
	r.expect(o, http.StatusCreated, "", what)
	i := p.index(r.model)
	r.model = r.model.with(i, e)
	r.gone = slices.DeleteFunc(r.gone, func(g ref) bool { return g == e })
	require.EqualValues(r.t, i+1, number, "step %d, insert %s %s: its number", r.step, e, p)
	return fmt.Sprintf("%s %s -> %d", e, p, number)
}

func opMoveOne(r *orderRun) string {
	i, _, ok := r.randomElement()
	if !ok {
		return ""
	}
	p, ok := r.randomPlace(r.model.without(i, i), []placeKind{placeBefore, placeAfter, placeAt})
	if !ok {
		return ""
	}
	return r.moveRun(i, i, p)
}

func opMoveRun(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	i, j := r.randomRun()
	p, ok := r.randomPlace(r.model.without(i, j), []placeKind{placeBefore, placeAfter, placeAt})
	if !ok {
		return ""
	}
	return r.moveRun(i, j, p)
}

// moveRun moves the run i through j of the model to p (through only when it is longer than one,
// or now and then naming the first element as its own last) and checks the answer.
func (r *orderRun) moveRun(i, j int, p place) string {
	first, last := r.model[i], r.model[j]
	var through *ref
	what := fmt.Sprintf("%s %s", first, p)
	if i != j || r.rng.IntN(4) == 0 {
		through = &last
		what = fmt.Sprintf("%s through %s (%d) %s", first, last, j-i+1, p)
	}
	nm := r.naming()
	what += " (" + nm.name + ")"
	resp, o := r.move(first, through, p, nm)
	r.expect(o, http.StatusOK, "", "move "+what)
	r.model = r.model.moved(i, j, p)
	at := r.model.index(first)
	r.checkMoved(resp, at, at+j-i, "move "+what)
	return what
}

// opInsertBurst inserts many elements at one place, each between its neighbour and the one
// inserted before it, so that the gap between two neighbours runs out and has to be opened.
func opInsertBurst(r *orderRun) string {
	p, ok := r.randomPlace(r.model, []placeKind{placeBefore, placeAfter, placeAt})
	if !ok {
		return ""
	}
	n := 40 + r.rng.IntN(40)
	for range n {
		r.insert(p)
	}
	return fmt.Sprintf("%d elements, each %s", n, p)
}

// opMoveBurst moves elements or runs to one place, one after another, as opInsertBurst inserts.
func opMoveBurst(r *orderRun) string {
	if len(r.model) < 3 {
		return ""
	}
	next := r.model[r.rng.IntN(len(r.model))]
	p := place{kind: placeBefore, next: next}
	if r.rng.IntN(2) == 0 {
		p.kind = placeAfter
	}
	n := 10 + r.rng.IntN(30)
	moves := 0
	for range n {
		i, j := r.randomRun()
		if k := r.model.index(next); k >= i && k <= j {
			continue
		}
		r.moveRun(i, j, p)
		moves++
	}
	return fmt.Sprintf("%d moves, each %s", moves, p)
}

func opRemove(r *orderRun) string {
	i, e, ok := r.randomElement()
	if !ok {
		return ""
	}
	r.expect(r.target.remove(r, e), http.StatusNoContent, "", "remove "+e.String())
	r.model = r.model.without(i, i)
	r.gone = append(r.gone, e)
	return e.String()
}

// reorderRequest gives the listed elements of the model new numbers, naming the order as nm does.
func (r *orderRun) reorderRequest(elems []ref, numbers []int64, nm naming) sequenceapi.ReorderRequest {
	req := sequenceapi.ReorderRequest{ElementType: elems[0].Type}
	for k, e := range elems {
		item := sequenceapi.ReorderItem{ElementId: e.ID, NewSequence: numbers[k]}
		if e.Type != req.ElementType || r.rng.IntN(2) == 0 {
			item.ElementType = &e.Type
		}
		req.Elements = append(req.Elements, item)
	}
	nm.reorder(&req)
	return req
}

// reorderNaming is a naming a reorder can use.
func (r *orderRun) reorderNaming() naming {
	for {
		if nm := r.naming(); nm.reorder != nil {
			return nm
		}
	}
}

// randomSubset is up to max distinct indexes of the model, in random order.
func (r *orderRun) randomSubset(most int) []int {
	k := 1 + r.rng.IntN(min(len(r.model), most))
	return r.rng.Perm(len(r.model))[:k]
}

func opReorder(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	idx := r.randomSubset(12)
	elems, numbers := make([]ref, len(idx)), make([]int64, len(idx))
	for k, i := range idx {
		elems[k] = r.model[i]
		numbers[k] = int64(i + 1)
	}
	r.rng.Shuffle(len(numbers), func(a, b int) { numbers[a], numbers[b] = numbers[b], numbers[a] })
	nm := r.reorderNaming()
	req := r.reorderRequest(elems, numbers, nm)
	var what strings.Builder
	for k, e := range elems {
		fmt.Fprintf(&what, "%s->%d ", e, numbers[k])
	}
	fmt.Fprintf(&what, "(%s)", nm.name)
	resp, err := r.c.Sequence.ReorderElementsWithResponse(r.ctx, req)
	require.NoError(r.t, err)
	r.expect(outcomeOf(resp.StatusCode(), resp.Body), http.StatusOK, "", "reorder "+what.String())
	next := slices.Clone(r.model)
	want := make([]sequenceapi.UpdatedElement, len(elems))
	for k, e := range elems {
		next[numbers[k]-1] = e
		want[k] = sequenceapi.UpdatedElement{ElementType: e.Type, ElementId: e.ID, NewSequence: numbers[k]}
	}
	r.model = next
	require.Equal(r.t, r.target.scope, resp.JSON200.Scope, "step %d: reorder's scope", r.step)
	require.Equal(r.t, r.target.scriptID, resp.JSON200.ScriptId, "step %d: reorder's scriptId", r.step)
	require.Equal(r.t, want, resp.JSON200.UpdatedElements, "step %d: reorder's answer", r.step)
	return what.String()
}

// The refused operations: each must be answered as documented and change nothing.

func opMoveNeighbourInRun(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	i, j := r.randomRun()
	first, last := r.model[i], r.model[j]
	p := place{kind: placeBefore, next: r.model[i+r.rng.IntN(j-i+1)]}
	if r.rng.IntN(2) == 0 {
		p.kind = placeAfter
	}
	what := fmt.Sprintf("%s through %s %s", first, last, p)
	_, o := r.move(first, &last, p, r.naming())
	r.expect(o, http.StatusConflict, "NEIGHBOUR_IN_RUN", "move "+what)
	return what + ": " + o.String()
}

func opMovePastEnd(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	i, j := r.randomRun()
	first, last := r.model[i], r.model[j]
	// The run of k can start at 1 to N-k+1.
	p := place{kind: placeAt, at: int64(len(r.model)-(j-i+1)+2) + r.rng.Int64N(3)}
	what := fmt.Sprintf("%s through %s %s", first, last, p)
	_, o := r.move(first, &last, p, r.naming())
	r.expect(o, http.StatusConflict, "SEQUENCE_OUT_OF_RANGE", "move "+what)
	return what + ": " + o.String()
}

func opMoveReversed(r *orderRun) string {
	if len(r.model) < 2 {
		return ""
	}
	i, j := r.randomRun()
	if i == j {
		return ""
	}
	first, last := r.model[j], r.model[i]
	p := place{kind: placeAt, at: 1}
	what := fmt.Sprintf("%s through %s %s", first, last, p)
	_, o := r.move(first, &last, p, r.naming())
	r.expect(o, http.StatusConflict, "RUN_REVERSED", "move "+what)
	return what + ": " + o.String()
}

func opMoveNeighbourGone(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	i, j := r.randomRun()
	first, last := r.model[i], r.model[j]
	p := place{kind: placeBefore, next: r.stranger()}
	if r.rng.IntN(2) == 0 {
		p.kind = placeAfter
	}
	what := fmt.Sprintf("%s through %s %s", first, last, p)
	_, o := r.move(first, &last, p, r.naming())
	r.expect(o, http.StatusConflict, "NEIGHBOUR_NOT_FOUND", "move "+what)
	return what + ": " + o.String()
}

func opMovePlacements(r *orderRun) string {
	_, e, ok := r.randomElement()
	if !ok {
		return ""
	}
	req := sequenceapi.MoveRequest{ElementType: e.Type, ElementId: e.ID}
	what := e.String() + " with no placement"
	if r.rng.IntN(3) > 0 {
		req.Before, req.AtSequence = e.api(), new(int64(1))
		what = e.String() + " with before and atSequence"
	}
	r.naming().move(&req)
	resp, err := r.c.Sequence.MoveElementsWithResponse(r.ctx, nil, req)
	require.NoError(r.t, err)
	o := outcomeOf(resp.StatusCode(), resp.Body)
	r.expect(o, http.StatusBadRequest, "INVALID_PLACEMENT", "move "+what)
	return what + ": " + o.String()
}

func opMoveGone(r *orderRun) string {
	e := r.stranger()
	p := place{kind: placeAt, at: 1}
	_, o := r.move(e, nil, p, r.naming())
	r.expect(o, http.StatusNotFound, "NOT_FOUND", "move "+e.String())
	return e.String() + " " + p.String() + ": " + o.String()
}

func opReorderForeign(r *orderRun) string {
	if len(r.model) == 0 {
		return ""
	}
	idx := r.randomSubset(6)
	held := map[int64]bool{}
	elems, numbers := make([]ref, len(idx)), make([]int64, len(idx))
	for k, i := range idx {
		elems[k], numbers[k] = r.model[i], int64(i+1)
		held[numbers[k]] = true
	}
	// One of them asks for a number that none of them holds: another element's, or past the end.
	var foreign int64
	for foreign == 0 || held[foreign] {
		foreign = 1 + r.rng.Int64N(int64(len(r.model))+3)
	}
	numbers[r.rng.IntN(len(numbers))] = foreign
	req := r.reorderRequest(elems, numbers, r.reorderNaming())
	resp, err := r.c.Sequence.ReorderElementsWithResponse(r.ctx, req)
	require.NoError(r.t, err)
	o := outcomeOf(resp.StatusCode(), resp.Body)
	what := fmt.Sprintf("%v to %v", elems, numbers)
	r.expect(o, http.StatusConflict, "SEQUENCE_CONFLICT", "reorder "+what)
	return what + ": " + o.String()
}

// checkReads compares every read of the order with the model.
func (r *orderRun) checkReads() {
	r.t.Helper()
	n := int64(len(r.model))
	list := func(p sequenceapi.ListPositionsParams) *sequenceapi.PositionPage {
		p.Scope, p.ScriptId = r.target.scope, r.target.scriptID
		resp, err := r.c.Sequence.ListPositionsWithResponse(r.ctx, &p)
		require.NoError(r.t, err)
		require.Equal(r.t, http.StatusOK, resp.StatusCode(), "step %d: list positions: %s", r.step, resp.Body)
		return resp.JSON200
	}

	whole := list(sequenceapi.ListPositionsParams{Limit: new(5000)})
	require.Equal(r.t, r.model.positions(nil), whole.Positions, "step %d: the whole order", r.step)
	require.Equal(r.t, n, whole.TotalCount, "step %d: totalCount of the whole order", r.step)

	limit, offset := 1+r.rng.IntN(int(n)+2), r.rng.Int64N(n+2)
	page := list(sequenceapi.ListPositionsParams{Limit: &limit, Offset: &offset})
	want := r.model.positions(nil)
	want = want[min(int(offset), len(want)):min(int(offset)+limit, len(want))]
	require.Equal(r.t, want, page.Positions, "step %d: page limit %d offset %d", r.step, limit, offset)
	require.Equal(r.t, n, page.TotalCount, "step %d: totalCount of a page", r.step)

	start := 1 + r.rng.Int64N(n+2)
	end := start + r.rng.Int64N(n+2)
	inRange := func(k int64, _ ref) bool { return k >= start && k <= end }
	span := list(sequenceapi.ListPositionsParams{StartSequence: &start, EndSequence: &end, Limit: new(5000)})
	want = r.model.positions(inRange)
	require.Equal(r.t, want, span.Positions, "step %d: numbers %d to %d", r.step, start, end)
	require.EqualValues(r.t, len(want), span.TotalCount, "step %d: totalCount of numbers %d to %d", r.step, start, end)

	typ := r.target.types[r.rng.IntN(len(r.target.types))]
	p := sequenceapi.ListPositionsParams{ElementType: &typ, Limit: new(5000)}
	keep := func(_ int64, e ref) bool { return e.Type == typ }
	if r.rng.IntN(2) == 0 {
		p.StartSequence, p.EndSequence = &start, &end
		keep = func(k int64, e ref) bool { return e.Type == typ && inRange(k, e) }
	}
	typed := list(p)
	want = r.model.positions(keep)
	require.Equal(r.t, want, typed.Positions, "step %d: the %s elements (range %v)", r.step, typ, p.StartSequence != nil)
	require.EqualValues(r.t, len(want), typed.TotalCount, "step %d: totalCount of the %s elements", r.step, typ)

	// A few elements one by one, and one that holds no position.
	for range min(3, len(r.model)) {
		i := r.rng.IntN(len(r.model))
		e := r.model[i]
		var params sequenceapi.GetElementPositionParams
		if r.rng.IntN(2) == 0 {
			params.Owner = &r.target.owner
		}
		resp, err := r.c.Sequence.GetElementPositionWithResponse(r.ctx, e.Type, e.ID, &params)
		require.NoError(r.t, err)
		require.Equal(r.t, http.StatusOK, resp.StatusCode(), "step %d: read %s: %s", r.step, e, resp.Body)
		require.Equal(r.t, sequenceapi.ElementPosition{
			ElementType: e.Type, ElementId: e.ID, Owner: r.target.owner, ScriptId: r.target.scriptID, Scope: r.target.scope,
			SequenceNumber: int64(i + 1),
		}, *resp.JSON200, "step %d: read %s", r.step, e)
	}
	if len(r.gone) > 0 {
		g := r.gone[r.rng.IntN(len(r.gone))]
		resp, err := r.c.Sequence.GetElementPositionWithResponse(r.ctx, g.Type, g.ID, nil)
		require.NoError(r.t, err)
		require.Equal(r.t, http.StatusNotFound, resp.StatusCode(), "step %d: read %s, which left the order: %s", r.step, g, resp.Body)
	}

	// Several elements of one type in one read, in the order asked, with some that hold no position.
	var ids []int64
	for _, e := range r.model.ofType(typ) {
		if r.rng.IntN(3) > 0 {
			ids = append(ids, e.ID)
		}
	}
	for _, g := range r.gone {
		if g.Type == typ && r.rng.IntN(4) == 0 && !slices.Contains(ids, g.ID) {
			ids = append(ids, g.ID)
		}
	}
	ids = append(ids, 2_000_000_000+r.rng.Int64N(1000))
	r.rng.Shuffle(len(ids), func(a, b int) { ids[a], ids[b] = ids[b], ids[a] })
	var owner *sequenceapi.Owner
	if r.rng.IntN(2) == 0 {
		owner = &r.target.owner
	}
	many, err := r.c.Sequence.ListElementPositionsWithResponse(r.ctx, typ, &sequenceapi.ListElementPositionsParams{Ids: ids, Owner: owner})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, many.StatusCode(), "step %d: read %s %v: %s", r.step, typ, ids, many.Body)
	wantItems := []sequenceapi.ElementPosition{}
	for _, id := range ids {
		if i := r.model.index(ref{typ, id}); i >= 0 {
			wantItems = append(wantItems, sequenceapi.ElementPosition{
				ElementType: typ, ElementId: id, Owner: r.target.owner, ScriptId: r.target.scriptID, Scope: r.target.scope,
				SequenceNumber: int64(i + 1),
			})
		}
	}
	require.Equal(r.t, wantItems, many.JSON200.Items, "step %d: read %s %v", r.step, typ, ids)

	if r.target.readOthers != nil {
		r.target.readOthers(r)
	}
}

// TestOrderModelClientScope runs random operations against a client's own order, of elements of
// every type, placed and released through the sequence API.
func TestOrderModelClientScope(t *testing.T) {
	t.Parallel()
	r := newOrderRun(t, clientTarget)
	r.run(orderSteps(t, 400), append(commonOrderOps(),
		orderOp{"reask", 5, opReask},
		orderOp{"insert burst", 1, opInsertBurst},
		orderOp{"refused two placements", 2, opCreateTwoPlacements},
		orderOp{"refused insert by gone", 2, opCreateNeighbourGone},
		orderOp{"refused insert past end", 2, opCreatePastEnd},
		orderOp{"refused release", 1, opReleaseGone},
	))
}

// TestOrderModelContentStory runs random operations against the story of a script: actions, spoken
// words and transitions created and deleted through their services, moved and reordered through
// the sequence API.
func TestOrderModelContentStory(t *testing.T) {
	t.Parallel()
	r := newOrderRun(t, storyTarget)
	r.run(orderSteps(t, 300), append(commonOrderOps(),
		orderOp{"refused client place", 1, opPlaceInContent},
		orderOp{"refused client release", 1, opReleaseContent},
	))
}

// TestOrderModelContentSections runs random operations against the section headings of a script,
// added and deleted through Core Script Management, moved and reordered through the sequence API.
func TestOrderModelContentSections(t *testing.T) {
	t.Parallel()
	r := newOrderRun(t, sectionsTarget)
	r.run(orderSteps(t, 200), append(commonOrderOps(),
		orderOp{"refused client place", 1, opPlaceInContent},
		orderOp{"refused client release", 1, opReleaseContent},
	))
}

// commonOrderOps are the operations of every order, with their weights.
func commonOrderOps() []orderOp {
	return []orderOp{
		{"insert", 30, opInsert},
		{"move", 12, opMoveOne},
		{"move run", 12, opMoveRun},
		{"remove", 12, opRemove},
		{"reorder", 8, opReorder},
		{"move burst", 1, opMoveBurst},
		{"refused neighbour in run", 2, opMoveNeighbourInRun},
		{"refused move past end", 2, opMovePastEnd},
		{"refused run reversed", 2, opMoveReversed},
		{"refused move by gone", 2, opMoveNeighbourGone},
		{"refused placements", 2, opMovePlacements},
		{"refused move gone", 1, opMoveGone},
		{"refused reorder", 2, opReorderForeign},
	}
}

// clientTarget is an order of a client's own, in a scope of a script that is not a content order.
func clientTarget(r *orderRun) *orderTarget {
	scriptID, scope := int64(7), "beats"
	return &orderTarget{
		name: "client scope", scriptID: &scriptID, scope: scope, owner: sequenceapi.OwnerClient, client: true,
		types:    []sequenceapi.ElementType{sequenceapi.Action, sequenceapi.SpokenWord, sequenceapi.Transition, sequenceapi.Section, sequenceapi.Character},
		createAt: []placeKind{placeEnd, placeBefore, placeAfter, placeAt},
		create: func(r *orderRun, typ sequenceapi.ElementType, id int64, p place) (ref, int64, outcome) {
			req := sequenceapi.SequenceRequest{ElementType: typ, ElementId: id, ScriptId: &scriptID, Scope: &scope}
			req.Before, req.After, req.AtSequence = p.fields()
			resp, err := r.c.Sequence.GenerateSequenceNumberWithResponse(r.ctx, nil, req)
			require.NoError(r.t, err)
			o := outcomeOf(resp.StatusCode(), resp.Body)
			if o.status != http.StatusCreated {
				return ref{}, 0, o
			}
			got := resp.JSON201
			require.True(r.t, got.Created, "step %d: %s %d was placed by this request", r.step, typ, id)
			require.Equal(r.t, scope, got.Scope)
			require.Equal(r.t, &scriptID, got.ScriptId)
			return ref{typ, id}, got.SequenceNumber, o
		},
		remove: func(r *orderRun, e ref) outcome {
			resp, err := r.c.Sequence.ReleasePositionWithResponse(r.ctx, e.Type, e.ID)
			require.NoError(r.t, err)
			return outcomeOf(resp.StatusCode(), resp.Body)
		},
		namings: []naming{
			{"unnamed", func(*sequenceapi.MoveRequest) {}, func(*sequenceapi.ReorderRequest) {}},
			{"owner", func(m *sequenceapi.MoveRequest) { m.Owner = new(sequenceapi.OwnerClient) }, nil},
			{"script and scope", func(m *sequenceapi.MoveRequest) { m.ScriptId, m.Scope = &scriptID, &scope },
				func(m *sequenceapi.ReorderRequest) { m.ScriptId, m.Scope = &scriptID, &scope }},
			{"scope", func(m *sequenceapi.MoveRequest) { m.Scope = &scope }, func(m *sequenceapi.ReorderRequest) { m.Scope = &scope }},
		},
	}
}

// opReask asks again for a position the element holds, with a placement: it keeps its position.
func opReask(r *orderRun) string {
	i, e, ok := r.randomElement()
	if !ok {
		return ""
	}
	p, _ := r.randomPlace(r.model, []placeKind{placeEnd, placeBefore, placeAfter, placeAt})
	req := sequenceapi.SequenceRequest{ElementType: e.Type, ElementId: e.ID}
	if r.rng.IntN(2) == 0 {
		req.ScriptId, req.Scope = r.target.scriptID, &r.target.scope
	}
	req.Before, req.After, req.AtSequence = p.fields()
	resp, err := r.c.Sequence.GenerateSequenceNumberWithResponse(r.ctx, nil, req)
	require.NoError(r.t, err)
	what := fmt.Sprintf("%s %s", e, p)
	r.expect(outcomeOf(resp.StatusCode(), resp.Body), http.StatusCreated, "", "ask again for "+what)
	require.False(r.t, resp.JSON201.Created, "step %d: %s already held a position", r.step, e)
	require.EqualValues(r.t, i+1, resp.JSON201.SequenceNumber, "step %d: ask again for %s: the number it holds", r.step, what)
	return what
}

// clientCreate sends POST /sequence for a new element of the client order, shaped by edit.
func clientCreate(r *orderRun, edit func(*sequenceapi.SequenceRequest)) (ref, outcome) {
	typ := r.target.types[r.rng.IntN(len(r.target.types))]
	e := ref{typ, r.freshID(typ)}
	req := sequenceapi.SequenceRequest{ElementType: e.Type, ElementId: e.ID, ScriptId: r.target.scriptID, Scope: &r.target.scope}
	edit(&req)
	resp, err := r.c.Sequence.GenerateSequenceNumberWithResponse(r.ctx, nil, req)
	require.NoError(r.t, err)
	r.gone = append(r.gone, e) // refused, so it holds no position
	return e, outcomeOf(resp.StatusCode(), resp.Body)
}

func opCreateTwoPlacements(r *orderRun) string {
	_, next, ok := r.randomElement()
	if !ok {
		return ""
	}
	e, o := clientCreate(r, func(req *sequenceapi.SequenceRequest) {
		req.After = next.api()
		if r.rng.IntN(2) == 0 {
			req.Before = next.api()
		} else {
			req.AtSequence = new(int64(1))
		}
	})
	r.expect(o, http.StatusBadRequest, "INVALID_PLACEMENT", "insert with two placements")
	return fmt.Sprintf("%s after %s and more: %s", e, next, o)
}

func opCreateNeighbourGone(r *orderRun) string {
	p := place{kind: placeBefore, next: r.stranger()}
	if r.rng.IntN(2) == 0 {
		p.kind = placeAfter
	}
	e, o := clientCreate(r, func(req *sequenceapi.SequenceRequest) { req.Before, req.After, req.AtSequence = p.fields() })
	r.expect(o, http.StatusConflict, "NEIGHBOUR_NOT_FOUND", "insert "+p.String())
	return fmt.Sprintf("%s %s: %s", e, p, o)
}

func opCreatePastEnd(r *orderRun) string {
	p := place{kind: placeAt, at: int64(len(r.model)) + 2 + r.rng.Int64N(3)}
	e, o := clientCreate(r, func(req *sequenceapi.SequenceRequest) { req.Before, req.After, req.AtSequence = p.fields() })
	r.expect(o, http.StatusConflict, "SEQUENCE_OUT_OF_RANGE", "insert "+p.String())
	return fmt.Sprintf("%s %s: %s", e, p, o)
}

func opReleaseGone(r *orderRun) string {
	e := r.stranger()
	resp, err := r.c.Sequence.ReleasePositionWithResponse(r.ctx, e.Type, e.ID)
	require.NoError(r.t, err)
	o := outcomeOf(resp.StatusCode(), resp.Body)
	r.expect(o, http.StatusNotFound, "NOT_FOUND", "release "+e.String())
	return fmt.Sprintf("%s: %s", e, o)
}

// storyTarget is the story of a new script.
func storyTarget(r *orderRun) *orderTarget {
	script, err := r.c.Scripts.CreateScriptWithResponse(r.ctx, nil, scriptsapi.ScriptRequest{Title: "A story told in any order"})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusCreated, script.StatusCode(), string(script.Body))
	scriptID, scope := script.JSON201.ScriptId, "story"
	return &orderTarget{
		name: "content story", scriptID: &scriptID, scope: scope, owner: sequenceapi.OwnerContent,
		types:    []sequenceapi.ElementType{sequenceapi.Action, sequenceapi.SpokenWord, sequenceapi.Transition},
		createAt: []placeKind{placeEnd, placeBefore, placeAfter, placeAt},
		create: func(r *orderRun, typ sequenceapi.ElementType, _ int64, p place) (ref, int64, outcome) {
			text := fmt.Sprintf("step %d", r.step)
			before, after, at := p.fields()
			switch typ {
			case sequenceapi.Action:
				resp, err := r.c.Characters.CreateActionWithResponse(r.ctx, nil, charactersapi.ActionCreateRequest{ScriptId: scriptID, Description: text,
					Before: refAs(before, newCharactersRef), After: refAs(after, newCharactersRef), AtSequence: at})
				require.NoError(r.t, err)
				if resp.JSON201 == nil {
					return ref{}, 0, outcomeOf(resp.StatusCode(), resp.Body)
				}
				return ref{typ, resp.JSON201.ActionId}, resp.JSON201.SequenceNumber, outcomeOf(resp.StatusCode(), resp.Body)
			case sequenceapi.SpokenWord:
				resp, err := r.c.Characters.CreateSpokenWordWithResponse(r.ctx, nil, charactersapi.SpokenWordCreateRequest{ScriptId: scriptID, Text: text,
					Before: refAs(before, newCharactersRef), After: refAs(after, newCharactersRef), AtSequence: at})
				require.NoError(r.t, err)
				if resp.JSON201 == nil {
					return ref{}, 0, outcomeOf(resp.StatusCode(), resp.Body)
				}
				return ref{typ, resp.JSON201.DialogueId}, resp.JSON201.SequenceNumber, outcomeOf(resp.StatusCode(), resp.Body)
			case sequenceapi.Transition:
				resp, err := r.c.Scripts.CreateTransitionWithResponse(r.ctx, scriptID, nil, scriptsapi.TransitionCreateRequest{Text: "CUT TO:",
					Before: refAs(before, newStoryRef), After: refAs(after, newStoryRef), AtSequence: at})
				require.NoError(r.t, err)
				if resp.JSON201 == nil {
					return ref{}, 0, outcomeOf(resp.StatusCode(), resp.Body)
				}
				return ref{typ, resp.JSON201.TransitionId}, resp.JSON201.SequenceNumber, outcomeOf(resp.StatusCode(), resp.Body)
			}
			r.t.Fatalf("no content service creates a %s", typ)
			return ref{}, 0, outcome{}
		},
		remove: func(r *orderRun, e ref) outcome {
			switch e.Type {
			case sequenceapi.Action:
				resp, err := r.c.Characters.DeleteActionWithResponse(r.ctx, e.ID, nil)
				require.NoError(r.t, err)
				return outcomeOf(resp.StatusCode(), resp.Body)
			case sequenceapi.SpokenWord:
				resp, err := r.c.Characters.DeleteSpokenWordWithResponse(r.ctx, e.ID, nil)
				require.NoError(r.t, err)
				return outcomeOf(resp.StatusCode(), resp.Body)
			case sequenceapi.Transition:
				resp, err := r.c.Scripts.DeleteTransitionWithResponse(r.ctx, scriptID, e.ID, nil)
				require.NoError(r.t, err)
				return outcomeOf(resp.StatusCode(), resp.Body)
			}
			r.t.Fatalf("no content service deletes a %s", e.Type)
			return outcome{}
		},
		namings: []naming{
			{"unnamed", func(*sequenceapi.MoveRequest) {}, func(*sequenceapi.ReorderRequest) {}},
			{"owner", func(m *sequenceapi.MoveRequest) { m.Owner = new(sequenceapi.OwnerContent) }, nil},
			{"script", func(m *sequenceapi.MoveRequest) { m.ScriptId = &scriptID }, func(m *sequenceapi.ReorderRequest) { m.ScriptId = &scriptID }},
			{"script and scope", func(m *sequenceapi.MoveRequest) { m.ScriptId, m.Scope = &scriptID, &scope },
				func(m *sequenceapi.ReorderRequest) { m.ScriptId, m.Scope = &scriptID, &scope }},
		},
		readOthers: readStory,
	}
}

// opPlaceInContent: a client cannot place into the story.
func opPlaceInContent(r *orderRun) string {
	typ := r.target.types[r.rng.IntN(len(r.target.types))]
	req := sequenceapi.SequenceRequest{ElementType: typ, ElementId: 1 + r.rng.Int64N(1000), ScriptId: r.target.scriptID}
	if r.rng.IntN(2) == 0 {
		req.Scope = &r.target.scope
	}
	if p, ok := r.randomPlace(r.model, []placeKind{placeEnd, placeBefore, placeAfter, placeAt}); ok {
		req.Before, req.After, req.AtSequence = p.fields()
	}
	resp, err := r.c.Sequence.GenerateSequenceNumberWithResponse(r.ctx, nil, req)
	require.NoError(r.t, err)
	o := outcomeOf(resp.StatusCode(), resp.Body)
	what := fmt.Sprintf("%s %d", typ, req.ElementId)
	r.expect(o, http.StatusConflict, "CONTENT_ORDER", "place "+what)
	return what + ": " + o.String()
}

// opReleaseContent: a client cannot release a position of the story.
func opReleaseContent(r *orderRun) string {
	_, e, ok := r.randomElement()
	if !ok {
		return ""
	}
	resp, err := r.c.Sequence.ReleasePositionWithResponse(r.ctx, e.Type, e.ID)
	require.NoError(r.t, err)
	o := outcomeOf(resp.StatusCode(), resp.Body)
	r.expect(o, http.StatusConflict, "CONTENT_OWNED", "release "+e.String())
	return e.String() + ": " + o.String()
}

// readStory compares the content services' lists and the Story Factory with the model.
func readStory(r *orderRun) {
	scriptID := *r.target.scriptID
	number := map[ref]int64{}
	for i, e := range r.model {
		number[e] = int64(i + 1)
	}
	type listed struct {
		ID     int64
		Number int64
	}
	wantOf := func(typ sequenceapi.ElementType) []listed {
		out := []listed{}
		for _, e := range r.model.ofType(typ) {
			out = append(out, listed{e.ID, number[e]})
		}
		return out
	}

	actions, err := r.c.Characters.ListActionsWithResponse(r.ctx, &charactersapi.ListActionsParams{ScriptId: &scriptID, Limit: new(1000)})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, actions.StatusCode(), "step %d: list actions: %s", r.step, actions.Body)
	gotActions := []listed{}
	for _, a := range actions.JSON200.Items {
		gotActions = append(gotActions, listed{a.ActionId, a.SequenceNumber})
	}
	require.Equal(r.t, wantOf(sequenceapi.Action), gotActions, "step %d: the actions in story order", r.step)
	require.EqualValues(r.t, len(gotActions), actions.JSON200.TotalCount, "step %d: totalCount of the actions", r.step)

	words, err := r.c.Characters.ListSpokenWordsWithResponse(r.ctx, &charactersapi.ListSpokenWordsParams{ScriptId: &scriptID, Limit: new(1000)})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, words.StatusCode(), "step %d: list spoken words: %s", r.step, words.Body)
	gotWords := []listed{}
	for _, w := range words.JSON200.Items {
		gotWords = append(gotWords, listed{w.DialogueId, w.SequenceNumber})
	}
	require.Equal(r.t, wantOf(sequenceapi.SpokenWord), gotWords, "step %d: the spoken words in story order", r.step)
	require.EqualValues(r.t, len(gotWords), words.JSON200.TotalCount, "step %d: totalCount of the spoken words", r.step)

	transitions, err := r.c.Scripts.ListTransitionsWithResponse(r.ctx, scriptID, &scriptsapi.ListTransitionsParams{Limit: new(1000)})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, transitions.StatusCode(), "step %d: list transitions: %s", r.step, transitions.Body)
	gotTransitions := []listed{}
	for _, tr := range transitions.JSON200.Items {
		gotTransitions = append(gotTransitions, listed{tr.TransitionId, tr.SequenceNumber})
	}
	require.Equal(r.t, wantOf(sequenceapi.Transition), gotTransitions, "step %d: the transitions in story order", r.step)
	require.EqualValues(r.t, len(gotTransitions), transitions.JSON200.TotalCount, "step %d: totalCount of the transitions", r.step)

	// The Story Factory, whole and one random page.
	n := len(r.model)
	limit, offset := 1+r.rng.IntN(n+2), r.rng.Int64N(int64(n)+2)
	for _, p := range []storiesapi.GetFullStoryParams{
		{ScriptId: scriptID, Limit: new(5000)},
		{ScriptId: scriptID, Limit: &limit, Offset: &offset},
	} {
		story, err := r.c.Stories.GetFullStoryWithResponse(r.ctx, &p)
		require.NoError(r.t, err)
		require.Equal(r.t, http.StatusOK, story.StatusCode(), "step %d: the Story Factory: %s", r.step, story.Body)
		require.EqualValues(r.t, n, story.JSON200.TotalCount, "step %d: the Story Factory's totalCount", r.step)
		got := []sequenceapi.Position{}
		for _, s := range story.JSON200.Story {
			pos := sequenceapi.Position{ElementType: sequenceapi.ElementType(s.ElementType), SequenceNumber: s.Sequence}
			switch {
			case s.Action != nil:
				pos.ElementId = s.Action.ActionId
			case s.SpokenWord != nil:
				pos.ElementId = s.SpokenWord.DialogueId
				if s.SpokenWord.Sequence != nil {
					require.Equal(r.t, s.Sequence, *s.SpokenWord.Sequence, "step %d: a spoken word's sequence repeats its position", r.step)
				}
			case s.Transition != nil:
				pos.ElementId = s.Transition.TransitionId
			}
			got = append(got, pos)
		}
		want := r.model.positions(nil)
		from := int(0)
		if p.Offset != nil {
			from = int(*p.Offset)
		}
		want = want[min(from, n):min(from+*p.Limit, n)]
		require.Equal(r.t, want, got, "step %d: the Story Factory's story, limit %d offset %d", r.step, *p.Limit, from)
	}
}

// sectionsTarget is the order of the section headings of a new script.
func sectionsTarget(r *orderRun) *orderTarget {
	script, err := r.c.Scripts.CreateScriptWithResponse(r.ctx, nil, scriptsapi.ScriptRequest{Title: "Scenes in any order"})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusCreated, script.StatusCode(), string(script.Body))
	scriptID, scope := script.JSON201.ScriptId, "sections"
	return &orderTarget{
		name: "content sections", scriptID: &scriptID, scope: scope, owner: sequenceapi.OwnerContent,
		types:    []sequenceapi.ElementType{sequenceapi.Section},
		createAt: []placeKind{placeEnd, placeBefore, placeAfter, placeAt},
		create: func(r *orderRun, _ sequenceapi.ElementType, _ int64, p place) (ref, int64, outcome) {
			before, after, at := p.fields()
			resp, err := r.c.Scripts.AddSectionHeadingWithResponse(r.ctx, scriptID, nil, scriptsapi.SectionHeadingCreateRequest{
				Title: fmt.Sprintf("Scene %d", r.step), Kind: new("scene"),
				Before: refAs(before, newSectionRef), After: refAs(after, newSectionRef), AtSequence: at,
			})
			require.NoError(r.t, err)
			if resp.JSON201 == nil {
				return ref{}, 0, outcomeOf(resp.StatusCode(), resp.Body)
			}
			return ref{sequenceapi.Section, resp.JSON201.HeadingId}, resp.JSON201.SequenceNumber, outcomeOf(resp.StatusCode(), resp.Body)
		},
		remove: func(r *orderRun, e ref) outcome {
			resp, err := r.c.Scripts.DeleteSectionHeadingWithResponse(r.ctx, scriptID, e.ID, nil)
			require.NoError(r.t, err)
			return outcomeOf(resp.StatusCode(), resp.Body)
		},
		namings: []naming{
			{"unnamed", func(*sequenceapi.MoveRequest) {}, func(*sequenceapi.ReorderRequest) {}},
			{"owner", func(m *sequenceapi.MoveRequest) { m.Owner = new(sequenceapi.OwnerContent) }, nil},
			{"script", func(m *sequenceapi.MoveRequest) { m.ScriptId = &scriptID }, func(m *sequenceapi.ReorderRequest) { m.ScriptId = &scriptID }},
			{"script and scope", func(m *sequenceapi.MoveRequest) { m.ScriptId, m.Scope = &scriptID, &scope },
				func(m *sequenceapi.ReorderRequest) { m.ScriptId, m.Scope = &scriptID, &scope }},
		},
		readOthers: readSections,
	}
}

// readSections compares Core Script Management's list of section headings and the Story
// Factory's with the model.
func readSections(r *orderRun) {
	scriptID := *r.target.scriptID
	want := r.model.positions(nil)
	list, err := r.c.Scripts.ListSectionHeadingsWithResponse(r.ctx, scriptID, &scriptsapi.ListSectionHeadingsParams{Limit: new(1000)})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, list.StatusCode(), "step %d: list section headings: %s", r.step, list.Body)
	got := []sequenceapi.Position{}
	for _, h := range list.JSON200.Items {
		got = append(got, sequenceapi.Position{ElementType: sequenceapi.Section, ElementId: h.HeadingId, SequenceNumber: h.SequenceNumber})
	}
	require.Equal(r.t, want, got, "step %d: the section headings in order", r.step)
	require.EqualValues(r.t, len(want), list.JSON200.TotalCount, "step %d: totalCount of the section headings", r.step)

	story, err := r.c.Stories.GetFullStoryWithResponse(r.ctx, &storiesapi.GetFullStoryParams{ScriptId: scriptID})
	require.NoError(r.t, err)
	require.Equal(r.t, http.StatusOK, story.StatusCode(), "step %d: the Story Factory: %s", r.step, story.Body)
	got = []sequenceapi.Position{}
	for _, h := range story.JSON200.Sections {
		got = append(got, sequenceapi.Position{ElementType: sequenceapi.Section, ElementId: h.HeadingId, SequenceNumber: h.Sequence})
	}
	require.Equal(r.t, want, got, "step %d: the Story Factory's section headings", r.step)
}
