package logs

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/fountainai/fountainai/gen/logsapi"
	"github.com/fountainai/fountainai/gen/logsdb"
	"github.com/fountainai/fountainai/internal/auth"
	"github.com/fountainai/fountainai/internal/dbx"
	"github.com/fountainai/fountainai/internal/httpapi"
)

// ListLogs pages through the entries matching the filters, newest first.
func (s *Server) ListLogs(ctx context.Context, req logsapi.ListLogsRequestObject) (logsapi.ListLogsResponseObject, error) {
	p := req.Params
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return logsapi.ListLogs400JSONResponse{BadRequestJSONResponse: badRequest(codeInvalidCursor, "cursor is not one this service issued", err.Error())}, nil
	}
	if p.StatusMin != nil && p.StatusMax != nil && *p.StatusMin > *p.StatusMax {
		return logsapi.ListLogs400JSONResponse{BadRequestJSONResponse: badRequest(httpapi.CodeValidationFailed,
			"statusMin must not exceed statusMax", fmt.Sprintf("statusMin %d, statusMax %d", *p.StatusMin, *p.StatusMax))}, nil
	}
	if bad := invertedWindow(p.Since, p.Until); bad != nil {
		return logsapi.ListLogs400JSONResponse{BadRequestJSONResponse: *bad}, nil
	}
	limit := pageLimit(p.Limit)
	var rows []logsdb.EntryListRow
	err = s.read(ctx, func(q *logsdb.Queries) (err error) {
		rows, err = q.EntryList(ctx, logsdb.EntryListParams{
			Tenant:     auth.Tenant(ctx),
			Service:    dbx.Text(p.Service),
			StatusMin:  int2(p.StatusMin),
			StatusMax:  int2(p.StatusMax),
			Method:     dbx.Text(p.Method),
			PathPrefix: dbx.Text(p.PathPrefix),
			RequestID:  dbx.Text(p.RequestId),
			Since:      timestamptz(p.Since),
			Until:      timestamptz(p.Until),
			BeforeTs:   after.ts,
			BeforeID:   after.id,
			RowLimit:   int32(limit + 1),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list log entries: %w", err)
	}
	return logPage(pageOf(rows, limit)), nil
}

// SearchLogs pages through the entries whose message or path hold the query's words, newest first.
func (s *Server) SearchLogs(ctx context.Context, req logsapi.SearchLogsRequestObject) (logsapi.SearchLogsResponseObject, error) {
	p := req.Params
	after, err := decodeCursor(p.Cursor)
	if err != nil {
		return logsapi.SearchLogs400JSONResponse{BadRequestJSONResponse: badRequest(codeInvalidCursor, "cursor is not one this service issued", err.Error())}, nil
	}
	if bad := invertedWindow(p.Since, p.Until); bad != nil {
		return logsapi.SearchLogs400JSONResponse{BadRequestJSONResponse: *bad}, nil
	}
	limit := pageLimit(p.Limit)
	var rows []logsdb.EntrySearchRow
	err = s.read(ctx, func(q *logsdb.Queries) (err error) {
		rows, err = q.EntrySearch(ctx, logsdb.EntrySearchParams{
			Tenant:   auth.Tenant(ctx),
			Query:    p.Query,
			Since:    timestamptz(p.Since),
			Until:    timestamptz(p.Until),
			BeforeTs: after.ts,
			BeforeID: after.id,
			RowLimit: int32(limit + 1),
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search log entries: %w", err)
	}
	list := make([]logsdb.EntryListRow, len(rows))
	for i, r := range rows {
		list[i] = logsdb.EntryListRow(r)
	}
	return logPage(pageOf(list, limit)), nil
}

// invertedWindow refuses a time window that ends before it starts: it can hold nothing, so it is
// surely a mistake, as an inverted status range is. An empty window (since equal to until) is
// allowed.
func invertedWindow(since, until *time.Time) *logsapi.BadRequestJSONResponse {
	if since == nil || until == nil || !since.After(*until) {
		return nil
	}
	bad := badRequest(httpapi.CodeValidationFailed, "since must not be after until",
		fmt.Sprintf("since %s, until %s", since.Format(time.RFC3339Nano), until.Format(time.RFC3339Nano)))
	return &bad
}

// read runs a query with plans made for its actual parameters. The list and search queries are one
// statement for every combination of filters ("$1 IS NULL OR service = $1"); a plan cached for
// generic parameters cannot use the index that the filters given call for (request id, service)
// nor prune partitions by time when planning, and would scan every day of logs for a selective
// filter.
func (s *Server) read(ctx context.Context, fn func(q *logsdb.Queries) error) error {
	return dbx.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
			return err
		}
		return fn(logsdb.New(dbx.Interpreted(tx)))
	})
}

func pageLimit(limit *int) int {
	if limit == nil {
		return httpapi.DefaultLimit
	}
	return *limit
}

// pageOf turns up to limit+1 rows into a page of limit entries and, when there was one more, the
// cursor after the last entry of the page.
func pageOf(rows []logsdb.EntryListRow, limit int) logsapi.LogPage {
	page := logsapi.LogPage{Items: make([]logsapi.LogEntry, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			c := encodeCursor(rows[i-1].Ts, rows[i-1].ID)
			page.NextCursor = &c
			break
		}
		page.Items = append(page.Items, entryOf(r))
	}
	return page
}

func entryOf(r logsdb.EntryListRow) logsapi.LogEntry {
	e := logsapi.LogEntry{
		Id:             r.ID,
		Timestamp:      r.Ts.UTC(),
		Source:         logsapi.LogEntrySource(r.Source),
		Service:        r.Service,
		OperationId:    dbx.TextPtr(r.OperationID),
		Endpoint:       r.Path,
		Method:         r.Method,
		StatusCode:     int(r.StatusCode),
		ResponseTimeMs: r.ResponseTimeMs,
		Message:        r.Message,
		RequestId:      dbx.TextPtr(r.RequestID),
		Level:          logsapi.Level(r.Level),
		ClientIp:       dbx.TextPtr(r.ClientIp),
		ReceivedAt:     r.ReceivedAt.UTC(),
		Tenant:         dbx.TextPtr(r.Tenant),
		Subject:        dbx.TextPtr(r.Subject),
	}
	if r.Raw != nil {
		raw := r.Raw
		e.Kong = &raw
	}
	return e
}

// logPage answers listLogs and searchLogs through httpapi.WriteLargeJSON: a page holds up to 1,000
// entries, Kong's whole objects among them.
type logPage logsapi.LogPage

func (p logPage) VisitListLogsResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, logsapi.LogPage(p))
}

func (p logPage) VisitSearchLogsResponse(w http.ResponseWriter) error {
	return httpapi.WriteLargeJSON(w, http.StatusOK, logsapi.LogPage(p))
}

// cursor is the position after which a page continues: the (timestamp, id) of the previous page's
// last entry; both NULL for the first page.
type cursor struct {
	ts pgtype.Timestamptz
	id pgtype.Int8
}

// encodeCursor writes a position as base64url("<unix microseconds>.<id>"), microseconds being
// PostgreSQL's timestamp precision, so the next page starts exactly after the entry.
func encodeCursor(ts time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(ts.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)))
}

var errCursor = errors.New("not a cursor from nextCursor")

func decodeCursor(c *string) (cursor, error) {
	if c == nil {
		return cursor{}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*c)
	if err != nil {
		return cursor{}, errCursor
	}
	micros, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return cursor{}, errCursor
	}
	us, err := strconv.ParseInt(micros, 10, 64)
	if err != nil {
		return cursor{}, errCursor
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n < 1 {
		return cursor{}, errCursor
	}
	ts := time.UnixMicro(us)
	if ts.Year() < 1 || ts.After(latestTimestamp) {
		return cursor{}, errCursor
	}
	return cursor{ts: pgtype.Timestamptz{Time: ts, Valid: true}, id: pgtype.Int8{Int64: n, Valid: true}}, nil
}

func int2(p *int) pgtype.Int2 {
	if p == nil {
		return pgtype.Int2{}
	}
	return pgtype.Int2{Int16: int16(*p), Valid: true}
}

func timestamptz(p *time.Time) pgtype.Timestamptz {
	if p == nil {
		return pgtype.Timestamptz{}
	}
	return pgtype.Timestamptz{Time: *p, Valid: true}
}
