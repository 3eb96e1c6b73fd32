package parser

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// feedSplit feeds body in pieces cut at the given ascending offsets, all at
// time 0, and finishes.
func feedSplit(body []byte, cuts []int, opts Options) *Result {
	p := New(opts)
	prev := 0
	for _, c := range cuts {
		_ = p.Feed(body[prev:c], 0)
		prev = c
	}
	_ = p.Feed(body[prev:], 0)
	return p.Finish(0)
}

// randomCuts returns ascending cut offsets in (0, n), biased towards small
// pieces so that CRLF pairs and UTF-8 sequences get split often.
func randomCuts(r *rand.Rand, n int) []int {
	var cuts []int
	for i := 0; i < n; {
		i += 1 + r.IntN(8)
		if r.IntN(10) == 0 {
			i += r.IntN(256)
		}
		if i < n {
			cuts = append(cuts, i)
		}
	}
	return cuts
}

func everyByte(n int) []int {
	cuts := make([]int, 0, n)
	for i := 1; i < n; i++ {
		cuts = append(cuts, i)
	}
	return cuts
}

// sameResult fails unless two results fed at time 0 are identical.
func sameResult(t testing.TB, what string, want, got *Result) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("%s: result differs from whole-body parse\nwant %+v\ngot  %+v", what, *want, *got)
	}
}

var endingBytes = map[Ending]string{EndingLF: "\n", EndingCRLF: "\r\n", EndingCR: "\r", EndingNone: ""}

// checkConsistent checks structural invariants of a finished result: the
// lines rebuild the body, offsets line up, and blocks and events point at
// each other.
func checkConsistent(t testing.TB, body []byte, r *Result) {
	t.Helper()
	if r.Bytes != int64(len(body)) {
		t.Fatalf("Bytes = %d, want %d", r.Bytes, len(body))
	}
	var rebuilt []byte
	if r.BOM {
		rebuilt = append(rebuilt, bom...)
	}
	for i, ln := range r.Lines {
		if ln.Offset != int64(len(rebuilt)) {
			t.Fatalf("line %d: Offset %d, want %d", i, ln.Offset, len(rebuilt))
		}
		if ln.Ending == EndingNone && i != len(r.Lines)-1 {
			t.Fatalf("line %d: EndingNone before the last line", i)
		}
		rebuilt = append(rebuilt, ln.Raw...)
		rebuilt = append(rebuilt, endingBytes[ln.Ending]...)
		if ln.Block >= len(r.Blocks) {
			t.Fatalf("line %d: Block %d out of range", i, ln.Block)
		}
		if (ln.Kind == KindBlank) != (len(ln.Raw) == 0) {
			t.Fatalf("line %d: kind %s with %d raw bytes", i, ln.Kind, len(ln.Raw))
		}
	}
	if r.Err == nil && !bytes.Equal(rebuilt, body) {
		t.Fatalf("lines do not rebuild the body:\n%q\n%q", rebuilt, body)
	}
	if r.Err != nil && !bytes.HasPrefix(body, rebuilt) {
		t.Fatalf("lines are not a prefix of the body:\n%q\n%q", rebuilt, body)
	}
	for i, b := range r.Blocks {
		if r.Lines[b.First].Block != i || r.Lines[b.First].Kind != KindField {
			t.Fatalf("block %d: first line %d is not its field line", i, b.First)
		}
		pending := r.Pending != nil && i == len(r.Blocks)-1
		if !pending && (r.Lines[b.Last].Kind != KindBlank || b.End != r.Lines[b.Last].Offset+int64(len(endingBytes[r.Lines[b.Last].Ending]))) {
			t.Fatalf("block %d: bad end (last %d, End %d)", i, b.Last, b.End)
		}
		if b.Dispatched != (b.Event >= 0) {
			t.Fatalf("block %d: Dispatched %v with Event %d", i, b.Dispatched, b.Event)
		}
		if b.Event >= 0 {
			ev := r.Events[b.Event]
			if ev.Block != i || ev.Offset != b.Offset || ev.End != b.End || ev.At != b.At {
				t.Fatalf("block %d and event %d disagree: %+v %+v", i, b.Event, b, ev)
			}
		}
	}
	if r.Pending != nil && r.Pending != &r.Blocks[len(r.Blocks)-1] {
		t.Fatalf("Pending is not the last block")
	}
}
