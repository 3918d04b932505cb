// Package placement is how the content services keep the positions of their elements: a section
// heading, transition, action or spoken word is placed in its script's order in the transaction
// that stores it, and released in the transaction that deletes it, through the functions the
// Central Sequence Service publishes for that (gen/placementdb, migrations/sequence/00004). Reads
// of positions go through the sequence service's HTTP API, with owner=content.
package placement

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
	"github.com/fountainai/fountainai/internal/metrics"
	"github.com/fountainai/fountainai/internal/write"
)

// Order is one of a script's two orders.
type Order string

const (
	// Story holds a script's actions, spoken words and transitions.
	Story Order = "story"
	// Sections holds a script's section headings.
	Sections Order = "sections"
)

// Owner names the positions the content services keep, in their reads of the sequence service.
var Owner = sequenceapi.OwnerContent

// Neighbour names an element of the same order.
type Neighbour struct {
	Type string
	ID   int64
}

// At says where in its order an element goes: after or before a neighbour, or at a number (the
// elements from there on move down by one). The zero At is the end of the order.
type At struct {
	Before, After *Neighbour
	Sequence      *int64
}

// Ref is the shape of every generated reference to a neighbour in a request body ({elementType,
// elementId}: the sequence spec's ElementRef, the content specs' StoryElementRef and
// SectionElementRef), whose element type T is each spec's own enum.
type Ref[T ~string] interface {
	~struct {
		ElementId   int64 `json:"elementId"`
		ElementType T     `json:"elementType"`
	}
}

// Of is the At that a request's before, after and atSequence name; Check it before use.
func Of[T ~string, R Ref[T]](before, after *R, atSequence *int64) At {
	neighbour := func(r *R) *Neighbour {
		if r == nil {
			return nil
		}
		ref := struct {
			ElementId   int64 `json:"elementId"`
			ElementType T     `json:"elementType"`
		}(*r)
		return &Neighbour{Type: string(ref.ElementType), ID: ref.ElementId}
	}
	return At{Before: neighbour(before), After: neighbour(after), Sequence: atSequence}
}

// Placement answers are the refusals of a placement, in every service's words.
const (
	CodeInvalid           = "INVALID_PLACEMENT"
	CodeNeighbourNotFound = "NEIGHBOUR_NOT_FOUND"
	CodeOutOfRange        = "SEQUENCE_OUT_OF_RANGE"
	CodeNeighbourInRun    = "NEIGHBOUR_IN_RUN"
	CodeRunReversed       = "RUN_REVERSED"
)

// Check refuses an At that names more than one place (400 INVALID_PLACEMENT).
func (a At) Check() *httpapi.Failure {
	n := 0
	for _, given := range []bool{a.Before != nil, a.After != nil, a.Sequence != nil} {
		if given {
			n++
		}
	}
	if n > 1 {
		return httpapi.Fail(http.StatusBadRequest, CodeInvalid, "give at most one of before, after and atSequence", "")
	}
	return nil
}

// CheckOne refuses an At that names no place or more than one (400 INVALID_PLACEMENT): a move
// needs exactly one.
func (a At) CheckOne(what string) *httpapi.Failure {
	if a.End() {
		return httpapi.Fail(http.StatusBadRequest, CodeInvalid, "give one of before, after and atSequence", what)
	}
	return a.Check()
}

// End reports whether a is the end of the order: no place named.
func (a At) End() bool { return a.Before == nil && a.After == nil && a.Sequence == nil }

// Params are a's arguments of the sequence functions that place (place_v2, allocate_placed,
// move_run), SQL NULL for what a does not name.
func (a At) Params() (beforeType pgtype.Text, beforeID pgtype.Int8, afterType pgtype.Text, afterID pgtype.Int8, atSequence pgtype.Int8) {
	if a.Before != nil {
		beforeType, beforeID = dbx.Text(&a.Before.Type), dbx.Int8(&a.Before.ID)
	}
	if a.After != nil {
		afterType, afterID = dbx.Text(&a.After.Type), dbx.Int8(&a.After.ID)
	}
	return beforeType, beforeID, afterType, afterID, dbx.Int8(a.Sequence)
}

// Lane is the write lane of a write that places an element in order o of a script. Writes at the
// end share the lane: they wait for one lock, so they are made together (write.Lane), and each
// one's number is final once it is made. A write placed in the middle moves the numbers of what
// comes after it, so it runs in a transaction of its own, and its number is the one it has when it
// commits. The lane needs no tenant: each write of a lane places with its own request's (write.Do
// runs it with its request's context), and a script, whose ids are the scripts service's, is one
// tenant's.
func Lane(scriptID int64, o Order, at At) write.Lane {
	if !at.End() {
		return write.Lane{}
	}
	return write.Lane{Key: fmt.Sprintf("content %s of script %d", o, scriptID)}
}

// Place puts element (typ, id) into order o of script scriptID where at says, in tx, and returns its
// number; the order stays locked until tx ends. The order and the neighbours at names are those of
// the tenant of ctx's request. A placement the order cannot honour is a Failure (see Refusal).
func Place(ctx context.Context, tx *write.Tx, scriptID int64, o Order, typ string, id int64, at At) (int64, error) {
	params := placementdb.PlaceParams{Tenant: auth.Tenant(ctx), ScriptID: scriptID, Scope: string(o), ElementType: typ, ElementID: id}
	params.BeforeType, params.BeforeID, params.AfterType, params.AfterID, params.AtSequence = at.Params()
	n, err := placementdb.New(tx).Place(ctx, params)
	if err != nil {
		if f := Refusal(err); f != nil {
			return 0, f
		}
		return 0, fmt.Errorf("place %s %d in the %s of script %d: %w", typ, id, o, scriptID, dbx.Interpret(err))
	}
	tx.AfterCommit(metrics.SequenceAllocations.Inc)
	return n, nil
}

// Refusal is the answer to a placement or move the Central Sequence Service's functions refused
// (migrations/sequence/00005), or nil when err is no such refusal.
func Refusal(err error) *httpapi.Failure {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return nil
	}
	switch pgErr.Code {
	case "FS002":
		return httpapi.Fail(http.StatusConflict, CodeNeighbourNotFound, "the neighbour named is not in the order", pgErr.Message)
	case "FS003":
		return httpapi.Fail(http.StatusConflict, CodeOutOfRange, "atSequence is beyond the end of the order", pgErr.Message)
	case "FS004":
		return httpapi.NotFound(httpapi.CodeNotFound, "element holds no position in the order", pgErr.Message)
	case "FS005":
		return httpapi.Fail(http.StatusConflict, CodeNeighbourInRun, "a run cannot be placed next to one of its own elements", pgErr.Message)
	case "FS006":
		return httpapi.Fail(http.StatusConflict, CodeRunReversed, "the run's last element comes before its first", pgErr.Message)
	}
	return nil
}

// Release removes the positions the tenant of ctx's request holds of the elements of type typ with
// ids, in tx; an element that holds none is done already.
func Release(ctx context.Context, tx placementdb.DBTX, typ string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := placementdb.New(tx).Release(ctx, auth.Tenant(ctx), slices.Repeat([]string{typ}, len(ids)), ids); err != nil {
		return fmt.Errorf("release the positions of %d %s elements: %w", len(ids), typ, dbx.Interpret(err))
	}
	return nil
}
