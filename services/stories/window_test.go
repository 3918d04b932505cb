package stories

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/fountainai/fountainai/gen/sequenceapi"
)

// A story order is a list of positions in sequence order. These build the states a window's
// chunks may each have been read from.

// storyOrder is a story of n elements numbered 1..n.
func storyOrder(n int) []position {
	out := make([]position, n)
	for i := range out {
		out[i] = position{typ: sequenceapi.SpokenWord, id: int64(i + 1), number: int64(i + 1)}
	}
	return out
}

// appended is s with k new elements at the end: new ids, the next numbers.
func appended(s []position, k int) []position {
	out := slices.Clone(s)
	next := int64(1000)
	if len(s) > 0 {
		next = s[len(s)-1].number
	}
	for i := range k {
		out = append(out, position{typ: sequenceapi.Action, id: next + int64(i) + 1, number: next + int64(i) + 1})
	}
	return out
}

// deleted is s without the element at offset i.
func deleted(s []position, i int) []position {
	return slices.Delete(slices.Clone(s), i, i+1)
}

// swapped is s after a reorder that exchanges the places of the elements at offsets i and j: each
// takes the other's number.
func swapped(s []position, i, j int) []position {
	out := slices.Clone(s)
	out[i], out[j] = out[j], out[i]
	out[i].number, out[j].number = out[j].number, out[i].number
	return out
}

// readOf is a chunk read from s: its positions from offset, and the total of s.
func readOf(s []position, offset int64, limit int) *chunk {
	lo := min(offset, int64(len(s)))
	hi := min(offset+int64(limit), int64(len(s)))
	return &chunk{offset: offset, limit: limit, got: slices.Clone(s[lo:hi]), total: int64(len(s))}
}

// counted is c with the total of another state: the count and the positions of one call are two
// statements, with a write between them.
func counted(c *chunk, s []position) *chunk {
	c.total = int64(len(s))
	return c
}

// TestJoinChunks: the chunks of a window, each read at its own moment while the story changes,
// are joined only into a state the story order was in. Appends alone never make a window fail;
// deletes and moves between two reads that would mix two states do.
func TestJoinChunks(t *testing.T) {
	t.Parallel()
	// The chunks of a window of offsets [0, 28): three reads of 10 overlapping by one.
	window := func(read ...func(offset int64, limit int) *chunk) []*chunk {
		var out []*chunk
		for i, r := range read {
			out = append(out, r(int64(i*9), 10))
		}
		return out
	}
	from := func(s []position) func(int64, int) *chunk {
		return func(offset int64, limit int) *chunk { return readOf(s, offset, limit) }
	}
	// fromCounted reads positions from s and counts c.
	fromCounted := func(s, c []position) func(int64, int) *chunk {
		return func(offset int64, limit int) *chunk { return counted(readOf(s, offset, limit), c) }
	}

	a17, a25, a40 := storyOrder(17), storyOrder(25), storyOrder(40)
	for _, c := range []struct {
		name      string
		chunks    []*chunk
		toTheLast bool
		// want is the state the window must be read from (its offsets [0, hi) and its total);
		// nil: the story changed.
		want     []position
		hi       int
		whyNot   string
		wantSome int64 // for want: the total, when not len(want)
	}{
		{name: "unchanged", chunks: window(from(a17), from(a17), from(a17)), want: a17, hi: 28},
		{
			name:   "appended after the end chunk was read",
			chunks: window(from(a17), from(a17), from(appended(a17, 3))),
			want:   a17, hi: 28,
		},
		{
			name:   "appended before the end chunk was read",
			chunks: window(from(a17), from(appended(a17, 1)), from(a17)),
			want:   appended(a17, 1), hi: 28,
		},
		{
			name: "appended past the end chunk into the next one",
			// The end chunk saw 17; the one after it, read later, holds what was appended since.
			chunks: window(from(appended(a17, 5)), from(a17), from(appended(a17, 5))),
			want:   a17, hi: 28,
		},
		{
			name:   "counted before an append its positions show",
			chunks: []*chunk{counted(readOf(appended(a17, 2), 0, 30), a17)},
			want:   appended(a17, 2), hi: 30,
		},
		{
			name:   "counted after an append its positions do not show",
			chunks: []*chunk{counted(readOf(a17, 0, 30), appended(a17, 2))},
			want:   a17, hi: 30,
		},
		{
			name:   "deleted below a boundary between two reads",
			chunks: window(from(a25), from(deleted(a25, 3)), from(deleted(a25, 3))),
			whyNot: "the element at offset 9 moved between two reads",
		},
		{
			name:   "deleted below a later boundary",
			chunks: window(from(a25), from(a25), from(deleted(a25, 12))),
			whyNot: "the element at offset 18 moved between two reads",
		},
		{
			name: "deleted in the end chunk after it was read",
			// The chunk after it, read later, counts one fewer: the window is the order before.
			chunks: window(from(a17), from(a17), from(deleted(a17, 12))),
			want:   a17, hi: 28,
		},
		{
			name:   "deleted in the end chunk before it was read, above the boundaries",
			chunks: window(from(a17), from(deleted(a17, 12)), from(a17)),
			want:   deleted(a17, 12), hi: 28,
		},
		{
			name:   "deleted and appended: the end chunk's count is not used",
			chunks: window(from(a17), fromCounted(appended(deleted(a17, 12), 2), a17), from(a17)),
			want:   appended(deleted(a17, 12), 2), hi: 28,
		},
		{
			name: "the end moved forwards across a boundary",
			// The first chunk, read after appends, holds the element at offset 9; the second, read
			// before, found none there.
			chunks: window(from(appended(storyOrder(9), 3)), from(storyOrder(9)), from(storyOrder(9))),
			whyNot: "the end of the story moved across offset 9 between two reads",
		},
		{
			name:   "the end moved backwards across a boundary",
			chunks: window(from(storyOrder(10)), from(deleted(storyOrder(10), 2)), from(storyOrder(10))),
			whyNot: "the end of the story moved across offset 9 between two reads",
		},
		{
			name:   "moved between two chunks",
			chunks: window(from(a25), from(swapped(a25, 2, 12)), from(swapped(a25, 2, 12))),
			whyNot: "spokenWord 3 listed twice",
		},
		{
			name:   "every chunk full: the window ends before the story",
			chunks: window(from(a40), from(appended(a40, 2)), from(appended(a40, 4))),
			want:   appended(a40, 4), hi: 28,
		},
		{
			name:   "every chunk full, counted below what was read",
			chunks: window(from(a40), from(a40), fromCounted(a40, storyOrder(27))),
			whyNot: "27 positions counted, 10 read up to offset 18",
		},
		{
			name:   "past the end",
			chunks: []*chunk{readOf(a25, 30, 10)},
			want:   a25, hi: 0, wantSome: 25,
		},
		{
			name:   "past the end, counted after an append into the window",
			chunks: []*chunk{counted(readOf(a25, 30, 10), appended(a25, 6))},
			whyNot: "31 positions counted, none from offset 30",
		},
		{
			name: "to the last, appended after the first chunk was read",
			// The last chunk reads past the end the first one counted.
			chunks:    []*chunk{readOf(a17, 0, 10), readOf(appended(a17, 3), 9, 8+appendRoom)},
			toTheLast: true,
			want:      appended(a17, 3), hi: 30,
		},
		{
			name:      "to the last, deleted above the first chunk and appended",
			chunks:    []*chunk{readOf(a17, 0, 10), readOf(appended(deleted(a17, 12), 2), 9, 8+appendRoom)},
			toTheLast: true,
			want:      appended(deleted(a17, 12), 2), hi: 30,
		},
		{
			name:      "to the last, grown past the room",
			chunks:    []*chunk{readOf(a17, 0, 10), readOf(appended(a17, 20), 9, 10)},
			toTheLast: true,
			whyNot:    "the story grew by more than",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, total, err := joinChunks(c.chunks, c.toTheLast)
			if c.whyNot != "" {
				var ch *storyChanged
				require.ErrorAs(t, err, &ch)
				require.Contains(t, ch.reason, c.whyNot)
				return
			}
			require.NoError(t, err)
			if want := c.want[:min(c.hi, len(c.want))]; len(want) > 0 {
				require.Equal(t, want, got, "one state of the story order")
			} else {
				require.Empty(t, got)
			}
			wantTotal := int64(len(c.want))
			if c.wantSome != 0 {
				wantTotal = c.wantSome
			}
			require.Equal(t, wantTotal, total, "that state's total")
		})
	}
}
