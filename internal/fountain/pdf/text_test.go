package pdf

import (
	"reflect"
	"testing"
)

func rowsOf(ts []text) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t.r)
	}
	return out
}

func TestWrap(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"exactly10!", 10, []string{"exactly10!"}},
		{"one two three four", 9, []string{"one two", "three", "four"}},
		{"one two   three", 7, []string{"one two", "three"}},
		{"  indented line here", 10, []string{"  indented", "line here"}},
		{"a\n\nb", 10, []string{"a", "", "b"}},
		{"abcdefghijklmnop", 5, []string{"abcde", "fghij", "klmno", "p"}},
		{"\ttab", 10, []string{"    tab"}},
		{"trailing   ", 20, []string{"trailing"}},
	}
	for _, tt := range tests {
		got := rowsOf(wrap(plainText(tt.in), tt.width))
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
		}
	}
}

func TestSentenceEnds(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"No end", nil},
		{"One. Two", []int{5}},
		{"Why? Because! \"Quoted.\" Then... more", []int{5, 14, 24, 32}},
		{"Line\nnext", []int{5}},
		{"End.", nil},
		{"End.  ", nil},
		{"3.5 percent", nil},
	}
	for _, tt := range tests {
		if got := sentenceEnds(plainText(tt.in)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("sentenceEnds(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
