package logs

import (
	"context"
	"fmt"

	"github.com/fountainai/fountainai/gen/logsdb"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/write"
)

// Ingest goes through the shared write path (write.Do), one lane per source: the requests that
// arrive while an insert runs are stored by the next transaction, one statement each and one commit
// for all (group commit), each answered after that commit, and a request the database refuses is
// answered on its own while the others are stored again without it. At thousands of entries a
// second a transaction per request would cost more than the entries themselves.
//
// Ingest commits asynchronously (write.Lane.AsyncCommit): a request is answered once PostgreSQL has
// committed its entries, not once the commit is on disk. What a crash may lose, and why request
// logs take that trade, is README's "Durability of log entries".
func ingestLane(source string) write.Lane {
	return write.Lane{Key: "logs " + source, AsyncCommit: true}
}

// insert stores b in one statement: scalars for a single entry, the most frequent body, which cost
// less to send and plan than one-element arrays.
func insert(ctx context.Context, tx *write.Tx, b *batch) error {
	q := logsdb.New(dbx.Interpreted(tx))
	p := &b.params
	if len(p.Timestamps) != 1 {
		n, err := q.EntryInsertBatch(ctx, *p)
		if err == nil && n != int64(len(p.Timestamps)) {
			err = fmt.Errorf("stored %d of %d entries", n, len(p.Timestamps))
		}
		return err
	}
	one := logsdb.EntryInsertParams{
		Ts: p.Timestamps[0], Source: p.Source, Service: p.Services[0], Method: p.Methods[0], Path: p.Paths[0],
		StatusCode: p.StatusCodes[0], ResponseTimeMs: p.ResponseTimesMs[0], Message: p.Messages[0],
		RequestID: p.RequestIds[0], Level: p.Levels[0], OperationID: p.OperationIds[0], ClientIp: p.ClientIps[0],
		Tenant: p.Tenants[0], Subject: p.Subjects[0],
	}
	if len(p.Raws) == 1 {
		one.Raw = p.Raws[0]
	}
	return q.EntryInsert(ctx, one)
}
