package httpapi

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadBodyServesEveryReader(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(`{"a":1}`))
	first, err := ReadBody(r)
	require.NoError(t, err)
	second, err := ReadBody(r)
	require.NoError(t, err)
	require.Equal(t, `{"a":1}`, string(second))
	require.Same(t, &first[0], &second[0], "read once, not copied again")
	rest, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	require.Equal(t, `{"a":1}`, string(rest), "the handler still reads it all")
}

func TestReadBodyKeepsTheReadError(t *testing.T) {
	t.Parallel()
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(strings.Repeat("x", 10)))
	r.Body = http.MaxBytesReader(w, r.Body, 4)
	got, err := ReadBody(r)
	var tooLarge *http.MaxBytesError
	require.ErrorAs(t, err, &tooLarge)
	again, err := io.ReadAll(r.Body)
	require.True(t, errors.As(err, &tooLarge), "the reader downstream meets the same error")
	require.Equal(t, got, again)
}
