package parser

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"time"
)

// line records one line (raw excludes its ending) and runs the spec's
// processing for it. p.from is the line's offset in the body.
func (p *Parser) line(raw []byte, end Ending, at time.Duration) {
	off := p.from
	if off == 0 && bytes.HasPrefix(raw, []byte(bom)) {
		p.res.BOM = true // the decoder strips one BOM at the start of the stream
		raw, off = raw[len(bom):], int64(len(bom))
	}
	if bytes.HasPrefix(raw, []byte(bom)) {
		// Kept, as browsers do: it becomes part of the field name.
		p.res.StrayBOMs = append(p.res.StrayBOMs, off)
	}
	if p.res.InvalidUTF8 < 0 {
		// Line endings are ASCII, so no ill-formed sequence spans two lines.
		if k := invalidAt(raw); k >= 0 {
			p.res.InvalidUTF8 = off + int64(k)
		}
	}
	idx := len(p.res.Lines)
	// From here raw is the parser's own copy: Value (and Event.Data) can
	// share its bytes instead of copying them again.
	raw = p.keep(raw)
	ln := Line{Offset: off, Raw: raw, Ending: end, At: at, Block: p.open}
	switch {
	case len(raw) == 0:
		ln.Kind = KindBlank
		p.dispatch(idx, off+endingLen(end), at)
	case raw[0] == ':':
		ln.Kind = KindComment
		ln.Value = view(raw[1:])
		if p.open >= 0 {
			p.res.Blocks[p.open].Last = idx
		}
	default:
		ln.Kind = KindField
		if p.open < 0 {
			p.open = len(p.res.Blocks)
			p.res.Blocks = append(p.res.Blocks, Block{First: idx, Offset: off, Event: -1})
		}
		ln.Block = p.open
		blk := &p.res.Blocks[p.open]
		blk.Last = idx
		p.field(&ln, blk, raw, end != EndingNone)
	}
	p.res.Lines = append(grow(p.res.Lines), ln)
}

// grow doubles a full slice's capacity: append's gentler growth for large
// slices copies the (wide) Line and Event records several times over.
func grow[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, max(len(s), 64))
}

// field splits a field line and applies it. apply is false for an
// unterminated final line: a browser never sees it as a line, so its retry
// must not change the reconnection time (data, event and id only reach the
// pending block, which is discarded anyway).
func (p *Parser) field(ln *Line, blk *Block, raw []byte, apply bool) {
	name, value := raw, []byte(nil)
	if c := bytes.IndexByte(raw, ':'); c >= 0 {
		name, value = raw[:c], raw[c+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:] // exactly one leading space
		}
	}
	ln.Value = view(value)
	ln.Known = true
	switch string(name) { // constant names below avoid allocating Name
	case "data":
		ln.Name = "data"
		blk.HasData = true
		if p.dataLen+len(ln.Value)+1 > p.maxData {
			p.stop(ErrDataTooLong)
			return
		}
		p.dataLen += len(ln.Value) + 1
		p.dataVals = append(p.dataVals, ln.Value)
	case "event":
		ln.Name = "event"
		blk.HasEvent = true
		p.typ = ln.Value
	case "id":
		ln.Name = "id"
		blk.HasID = true
		if !strings.ContainsRune(ln.Value, 0) {
			p.id = ln.Value
			id := ln.Value
			p.blockID = &id
		}
	case "retry":
		ln.Name = "retry"
		blk.HasRetry = true
		if ms, ok := parseRetry(ln.Value); ok && apply {
			p.res.Retry = time.Duration(ms) * time.Millisecond
			p.res.RetrySet = true
		}
	default:
		ln.Name = decode(name)
		ln.Known = false
	}
}

// dispatch handles a blank line: the spec's "dispatch the event" steps, plus
// closing the open block (if any) at end offset `end`.
func (p *Parser) dispatch(idx int, end int64, at time.Duration) {
	p.res.LastEventID = p.id // step 1 runs even when nothing is dispatched
	if p.open >= 0 {
		blk := &p.res.Blocks[p.open]
		blk.Last, blk.End, blk.At = idx, end, at
		if p.dataLen > 0 {
			typ := p.typ
			if typ == "" {
				typ = "message"
			}
			blk.Dispatched = true
			blk.Event = len(p.res.Events)
			p.res.Events = append(grow(p.res.Events), Event{
				Type:        typ,
				Data:        strings.Join(p.dataVals, "\n"), // the buffer less its one trailing LF; one line's value is shared, not copied
				LastEventID: p.id,
				ID:          p.blockID,
				Offset:      blk.Offset,
				End:         end,
				At:          at,
				Block:       p.open,
			})
		}
		p.open = -1
	}
	p.dataLen, p.dataVals = 0, p.dataVals[:0]
	p.typ = ""
	p.blockID = nil
}

// parseRetry accepts only a non-empty run of ASCII digits, as the spec does;
// values too large for a time.Duration saturate rather than wrap.
func parseRetry(v string) (int64, bool) {
	const maxMs = math.MaxInt64 / int64(time.Millisecond)
	if v == "" {
		return 0, false
	}
	var ms int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if ms > (maxMs-9)/10 {
			ms = maxMs
		} else {
			ms = ms*10 + int64(c-'0')
		}
	}
	return ms, true
}

func endingLen(e Ending) int64 {
	switch e {
	case EndingCRLF:
		return 2
	case EndingLF, EndingCR:
		return 1
	}
	return 0
}
