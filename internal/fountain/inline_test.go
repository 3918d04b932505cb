package fountain

import (
	"reflect"
	"strings"
	"testing"
)

func TestSpans(t *testing.T) {
	type S = Span
	tests := []struct {
		name string
		in   string
		want []Span
	}{
		{"plain", "Plain text.", []S{{Text: "Plain text."}}},
		{"empty", "", nil},
		{"italic", "*italic*", []S{{Text: "italic", Italic: true}}},
		{"bold", "**bold**", []S{{Text: "bold", Bold: true}}},
		{"bold italic", "***both***", []S{{Text: "both", Bold: true, Italic: true}}},
		{"underline", "_under_", []S{{Text: "under", Underline: true}}},
		{"in a sentence", "He *really* left.", []S{{Text: "He "}, {Text: "really", Italic: true}, {Text: " left."}}},
		{"underlined bold", "_**BRICK & STEEL**_", []S{{Text: "BRICK & STEEL", Bold: true, Underline: true}}},
		{"bold underlined", "**_x_**", []S{{Text: "x", Bold: true, Underline: true}}},
		{"nested italic in bold", "**a *b* c**", []S{{Text: "a ", Bold: true}, {Text: "b", Bold: true, Italic: true}, {Text: " c", Bold: true}}},
		{"nested in underline", "_a *b* c_", []S{{Text: "a ", Underline: true}, {Text: "b", Underline: true, Italic: true}, {Text: " c", Underline: true}}},
		{"triple closed in two steps", "***a** b*", []S{{Text: "a", Bold: true, Italic: true}, {Text: " b", Italic: true}}},
		{"extra opening mark literal", "***a**", []S{{Text: "*"}, {Text: "a", Bold: true}}},
		{"extra closing mark literal", "**a***", []S{{Text: "a", Bold: true}, {Text: "*"}}},
		{"unmatched", "*unmatched", []S{{Text: "*unmatched"}}},
		{"unmatched underline", "a_b", []S{{Text: "a_b"}}},
		{"spaced marks are arithmetic", "2 * 3 * 4", []S{{Text: "2 * 3 * 4"}}},
		{"no emphasis across lines", "*a\nb*", []S{{Text: "*a\nb*"}}},
		{"emphasis on each line", "*a*\n_b_", []S{{Text: "a", Italic: true}, {Text: "\n"}, {Text: "b", Underline: true}}},
		{"crossing: inner mark literal", "*a _b* c_", []S{{Text: "a _b", Italic: true}, {Text: " c_"}}},
		{"escaped stars", `\*not italic\*`, []S{{Text: "*not italic*"}}},
		{"escaped underscore", `\_x\_`, []S{{Text: "_x_"}}},
		{"escaped backslash", `a\\b`, []S{{Text: `a\b`}}},
		{"escaped backslash before mark", `\\*x*`, []S{{Text: `\`}, {Text: "x", Italic: true}}},
		{"backslash before a letter", `a\b`, []S{{Text: `a\b`}}},
		{"trailing backslash", `a\`, []S{{Text: `a\`}}},
		{"escape inside emphasis", `*a\*b*`, []S{{Text: "a*b", Italic: true}}},
		{"note dropped", "Hello [[a note]] there", []S{{Text: "Hello  there"}}},
		{"note across lines", "a[[one\ntwo]]b", []S{{Text: "ab"}}},
		{"note only", "[[only a note]]", nil},
		{"unclosed note", "a [[b", []S{{Text: "a [[b"}}},
		{"boneyard dropped", "keep /* cut *this* */this", []S{{Text: "keep this"}}},
		{"unclosed boneyard", "a /* b", []S{{Text: "a /* b"}}},
		{"emphasis around a note", "*a [[n]]b*", []S{{Text: "a b", Italic: true}}},
		{"unicode", "*Café* naïve", []S{{Text: "Café", Italic: true}, {Text: " naïve"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Spans(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Spans(%q)\n got %#v\nwant %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"*Hi*, _you_ **there**.", "Hi, you there."},
		{`\*literal\* [[note]]/* bone */!`, "*literal* !"},
		{"***a** b*", "a b"},
		{"line one\n*line* two", "line one\nline two"},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Inputs that would take quadratic time with a naive search for closing marks: they must come
// back as written.
func TestSpansAdversarial(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("[[", 50000),
		strings.Repeat("/* ", 50000),
		strings.Repeat("*a ", 50000),
		strings.Repeat("_", 1) + strings.Repeat("*a ", 50000),
		strings.Repeat("* ", 50000),
	} {
		if got := Plain(in); got != in {
			t.Errorf("Plain of %d bytes changed the text (%d bytes back)", len(in), len(got))
		}
	}
	nested := strings.Repeat("*_", 20000) + "x" + strings.Repeat("_*", 20000)
	spans := Spans(nested)
	if len(spans) != 1 || spans[0].Text != "x" || !spans[0].Italic || !spans[0].Underline || spans[0].Bold {
		t.Errorf("deeply nested emphasis: got %d spans, first %+v", len(spans), spans[0])
	}
}

func BenchmarkSpans(b *testing.B) {
	text := strings.Repeat("He walks *slowly* to the _door_, **stops** [[note]] and \\*waits\\*. ", 20)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Spans(text)
	}
}
