package sequence

import (
	"fmt"

	"github.com/fountainai/fountainai/gen/sequenceapi"
)

// scopeKey names a number line: a scope name within a script, or within no script (scriptID 0).
type scopeKey struct {
	scriptID int64
	name     string
}

func (k scopeKey) String() string {
	if k.scriptID == 0 {
		return fmt.Sprintf("scope %q", k.name)
	}
	return fmt.Sprintf("scope %q of script %d", k.name, k.scriptID)
}

// contentOrder reports whether the scope is one of a script's two orders, which the content
// services keep (migrations/sequence/00004).
func (k scopeKey) contentOrder() bool {
	return k.scriptID > 0 && (k.name == scopeStory || k.name == scopeSections)
}

// The names of a script's content orders.
const (
	scopeStory    = "story"
	scopeSections = "sections"
)

// element identifies a story element: ids are unique within a type.
type element struct {
	typ string
	id  int64
}

func (e element) String() string { return fmt.Sprintf("%s %d", e.typ, e.id) }

// requestedScope resolves the scope an allocation asks for, and whether the client named it. A v2
// body names nothing and gets one scope per element type; with a script, the default scope puts a
// script's actions, spoken words and transitions on one story line and its sections on another.
func requestedScope(typ sequenceapi.ElementType, scriptID *int64, scope *string) (scopeKey, bool) {
	key := scopeKey{name: string(typ)}
	if scriptID != nil {
		key.scriptID = *scriptID
		key.name = defaultScriptScope(typ)
	}
	if scope != nil {
		key.name = *scope
	}
	return key, scriptID != nil || scope != nil
}

func defaultScriptScope(typ sequenceapi.ElementType) string {
	switch typ {
	case sequenceapi.Action, sequenceapi.SpokenWord, sequenceapi.Transition:
		return scopeStory
	case sequenceapi.Section:
		return scopeSections
	}
	return string(typ)
}
