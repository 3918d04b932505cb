// Package placement is how the content services keep the positions of their elements: a section
// heading, transition, action or spoken word is placed in its script's order in the transaction
// that stores it, and released in the transaction that deletes it, through the functions the
// Central Sequence Service publishes for that (gen/placementdb, migrations/sequence/00004). Reads
// of positions go through the sequence service's HTTP API, with owner=content.
package placement

import (
	"context"
	"fmt"
	"slices"

	"github.com/fountainai/fountainai/gen/placementdb"
	"github.com/fountainai/fountainai/gen/sequenceapi"
	"github.com/fountainai/fountainai/internal/dbx"
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

// Lane is the write lane of order o of a script: the writes that place in it wait for one lock, so
// they are made together (write.Lane), whichever service makes them.
func Lane(scriptID int64, o Order) write.Lane {
	return write.Lane{Key: fmt.Sprintf("content %s of script %d", o, scriptID)}
}

// Place puts element (typ, id) at the end of order o of script scriptID, in tx, and returns its
// number; the order stays locked until tx ends.
func Place(ctx context.Context, tx *write.Tx, scriptID int64, o Order, typ string, id int64) (int64, error) {
	n, err := placementdb.New(tx).Place(ctx, scriptID, string(o), typ, id)
	if err != nil {
		return 0, fmt.Errorf("place %s %d in the %s of script %d: %w", typ, id, o, scriptID, dbx.Interpret(err))
	}
	tx.AfterCommit(metrics.SequenceAllocations.Inc)
	return n, nil
}

// Release removes the positions of the elements of type typ with ids, in tx; an element that holds
// none is done already.
func Release(ctx context.Context, tx placementdb.DBTX, typ string, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := placementdb.New(tx).Release(ctx, slices.Repeat([]string{typ}, len(ids)), ids); err != nil {
		return fmt.Errorf("release the positions of %d %s elements: %w", len(ids), typ, dbx.Interpret(err))
	}
	return nil
}
