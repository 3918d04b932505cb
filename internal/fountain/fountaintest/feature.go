// Package fountaintest builds Fountain documents for tests and benchmarks.
package fountaintest

import (
	"strconv"
	"strings"
)

// Feature returns a deterministic feature screenplay of about the given number of elements
// (Parse's elements): a title page, three acts as sections with page breaks between them, about
// one numbered scene per 50 elements, and in the scenes action, dialogue with extensions and
// parentheticals, some dual dialogue, lyrics, notes and transitions, ending on a centered line.
// 3000 elements come to about 60 scenes and 120 printed pages. The same argument always gives
// the same bytes.
func Feature(elements int) []byte {
	g := &feature{rng: 0x5eed_f00d_cafe_0001}
	g.title()
	scenes := max(1, elements/50)
	perScene := max(4, elements/scenes)
	acts := []string{"ACT ONE", "ACT TWO", "ACT THREE"}
	for s := 0; s < scenes && (s == 0 || g.count < elements); s++ {
		if act := s * len(acts) / scenes; s == 0 || act != (s-1)*len(acts)/scenes {
			if s > 0 {
				g.para("===")
			}
			g.para("# " + acts[act])
			g.para("= " + g.pick(synopses))
		}
		if s%7 == 3 {
			g.para("## " + g.pick(sequences))
		}
		g.scene(s+1, min(perScene, max(4, elements-g.count)))
	}
	g.para("> THE END <")
	return []byte(g.b.String())
}

type feature struct {
	b     strings.Builder
	rng   uint64
	count int
	// lastDialogue: the previous paragraph is a dialogue block, so a dual cue may follow.
	lastDialogue bool
}

// next is splitmix64: fixed here so that the output never changes with the Go release.
func (g *feature) next() uint64 {
	g.rng += 0x9e3779b97f4a7c15
	z := g.rng
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (g *feature) n(k int) int { return int(g.next() % uint64(k)) }

func (g *feature) pick(xs []string) string { return xs[g.n(len(xs))] }

// para writes one paragraph of one element.
func (g *feature) para(s string) {
	g.b.WriteString(s)
	g.b.WriteString("\n\n")
	g.count++
	g.lastDialogue = false
}

func (g *feature) title() {
	g.b.WriteString("Title:\n    THE LONG WAY ROUND\n    a feature screenplay\nCredit: written by\n" +
		"Author: Sam Ortolan\nDraft date: 1 February 2026\nContact:\n    Ortolan & Finch\n" +
		"    44 Mill Lane\n    Harwick HW2 9QP\nNotes: Generated for benchmarks.\n\n")
}

func (g *feature) scene(number, budget int) {
	start := g.count
	g.para(g.pick(prefixes) + " " + g.pick(places) + " - " + g.pick(times) + " #" + strconv.Itoa(number) + "#")
	if g.n(3) == 0 {
		g.para("= " + g.pick(synopses))
	}
	for g.count-start < budget-1 {
		switch r := g.n(100); {
		case r < 38:
			g.action()
		case r < 90:
			g.dialogue(false)
			if g.n(8) == 0 {
				g.dialogue(true)
			}
		case r < 93 && !g.lastDialogue:
			// Lyrics right after a dialogue block would join it.
			g.para("~" + g.pick(lyrics) + "\n~" + g.pick(lyrics))
		case r < 96:
			g.para("[[" + g.pick(notes) + "]]")
		default:
			g.action()
		}
	}
	if g.n(3) == 0 {
		g.para(g.pick(transitions))
	} else {
		g.action()
	}
}

func (g *feature) action() {
	sentences := 2 + g.n(3)
	var b strings.Builder
	for i := 0; i < sentences; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ReplaceAll(g.pick(actions), "NAME", g.pick(names)))
	}
	g.para(b.String())
}

func (g *feature) dialogue(dual bool) {
	if dual && !g.lastDialogue {
		return
	}
	var b strings.Builder
	b.WriteString(g.pick(names))
	if g.n(5) == 0 {
		b.WriteString(" " + g.pick(extensions))
	}
	if dual {
		b.WriteString(" ^")
	}
	g.count++
	if g.n(5) < 2 {
		b.WriteString("\n" + g.pick(parentheticals))
		g.count++
	}
	b.WriteString("\n" + g.sentences(1+g.n(3)))
	g.count++
	switch g.n(10) {
	case 0:
		b.WriteString("\n" + g.pick(parentheticals) + "\n" + g.sentences(1+g.n(2)))
		g.count += 2
	case 1:
		b.WriteString("\n~" + g.pick(lyrics) + "\n~" + g.pick(lyrics))
		g.count++
	}
	b.WriteString("\n\n")
	g.b.WriteString(b.String())
	g.lastDialogue = true
}

func (g *feature) sentences(k int) string {
	s := make([]string, k)
	for i := range s {
		s[i] = g.pick(lines)
	}
	return strings.Join(s, " ")
}

var (
	prefixes    = []string{"INT.", "INT.", "INT.", "EXT.", "EXT.", "INT./EXT.", "EST."}
	places      = []string{"KITCHEN", "BUS DEPOT", "HOSPITAL CORRIDOR", "ROOFTOP", "CORNER SHOP", "MOTORWAY SERVICES", "TRAIN CARRIAGE", "CHURCH HALL", "CAR PARK", "ALLOTMENT", "POLICE STATION - INTERVIEW ROOM", "SEAFRONT", "FLAT - LIVING ROOM", "SCHOOL GYM", "LAUNDERETTE"}
	times       = []string{"DAY", "NIGHT", "DAWN", "DUSK", "CONTINUOUS", "LATER", "MOMENTS LATER"}
	names       = []string{"NELL", "ARTHUR", "DEV", "MARGOT", "PRIYA", "OWEN", "TESS", "BARNABY", "KIT", "YUSUF"}
	extensions  = []string{"(V.O.)", "(O.S.)", "(CONT'D)", "(ON PHONE)"}
	transitions = []string{"CUT TO:", "SMASH CUT TO:", "DISSOLVE TO:", "MATCH CUT TO:"}
	synopses    = []string{"Nell finds out the inheritance is a bus.", "The road trip goes wrong in the usual ways.", "Everyone arrives where they started, changed.", "A breakdown, a quarrel and a shortcut that isn't."}
	sequences   = []string{"The Breakdown", "The Detour", "Nightfall", "The Border", "Home Again"}
	notes       = []string{"Check the timeline against scene 12.", "Could lose this if we run long.", "Needs a better button.", "Location: ask about the pier."}
	lyrics      = []string{"Oh the long way round is the only way,", "we'll be home by the end of the day,", "and the wheels go round and round,", "never lost and never found."}

	parentheticals = []string{"(beat)", "(quietly)", "(to Nell)", "(not looking up)", "(laughing)", "(into the phone)", "(then)"}

	actions = []string{
		"NAME pulls the handbrake so hard it squeals.",
		"Rain hammers on the roof of the bus and runs down the windows in sheets.",
		"NAME stares at the map, turns it upside down, and stares at it again.",
		"A dog barks somewhere in the dark, then thinks better of it.",
		"The engine coughs twice and dies with a long, sad rattle.",
		"NAME counts the coins in one hand, then counts them again, slower.",
		"Headlights sweep across the room and are gone.",
		"Somebody has written *DON'T* on the steamed-up mirror.",
		"NAME waits for an answer that does not come.",
		"The kettle clicks off. Nobody moves to pour it.",
	}
	lines = []string{
		"I said left at the roundabout, not the second left.",
		"You don't get to decide that. Not this time.",
		"Is that the same sandwich from yesterday?",
		"We're not lost. We're exploring.",
		"If Dad could see us now he'd laugh himself sick.",
		"Give me the keys.",
		"I've been driving for nine hours and I can't feel my feet.",
		"Fine. Fine! Have it your way.",
		"Do you ever think we should just turn round and go home?",
		"That's not what I meant and you know it.",
		"There's a petrol station in two miles. Probably.",
		"Nobody asked you.",
	}
)
