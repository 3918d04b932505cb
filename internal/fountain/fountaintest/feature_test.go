package fountaintest_test

import (
	"bytes"
	"testing"

	"github.com/fountainai/fountainai/internal/fountain"
	"github.com/fountainai/fountainai/internal/fountain/fountaintest"
)

func TestFeature(t *testing.T) {
	for _, n := range []int{1, 50, 300, 3000} {
		src := fountaintest.Feature(n)
		if !bytes.Equal(src, fountaintest.Feature(n)) {
			t.Fatalf("Feature(%d) is not deterministic", n)
		}
		doc, err := fountain.Parse(src)
		if err != nil {
			t.Fatalf("Feature(%d): %v", n, err)
		}
		counts := map[fountain.Kind]int{}
		for _, e := range doc.Elements {
			counts[e.Kind]++
		}
		got := len(doc.Elements)
		if n >= 300 && (got < n*9/10 || got > n*11/10) {
			t.Errorf("Feature(%d) has %d elements, want about %d", n, got, n)
		}
		if n == 3000 {
			if counts[fountain.SceneHeading] < 55 || counts[fountain.SceneHeading] > 65 {
				t.Errorf("Feature(3000) has %d scenes, want about 60", counts[fountain.SceneHeading])
			}
			for _, k := range []fountain.Kind{fountain.Section, fountain.Synopsis, fountain.Action, fountain.Character,
				fountain.Parenthetical, fountain.Dialogue, fountain.Lyrics, fountain.Transition, fountain.Centered,
				fountain.PageBreak, fountain.Note} {
				if counts[k] == 0 {
					t.Errorf("Feature(3000) has no %s", k)
				}
			}
			dual, ext := 0, 0
			for _, e := range doc.Elements {
				if e.Dual {
					dual++
				}
				if e.Extension != "" {
					ext++
				}
			}
			if dual == 0 || ext == 0 {
				t.Errorf("Feature(3000) has %d dual cues and %d extensions, want some of each", dual, ext)
			}
			t.Logf("Feature(3000): %d bytes, %v", len(src), counts)
		}
		if out := fountain.Format(doc); !bytes.Equal(out, fountain.Normalize(src)) {
			t.Errorf("Feature(%d) is not in the form Format writes", n)
		}
	}
}
