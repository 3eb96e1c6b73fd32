package reports

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// cutResult cuts the target-derived text of one result: message lines,
// Expected, Actual and evidence values.
func cutResult(res *Result, c *cutter) {
	res.Message = c.lines("results.message", res.Message)
	res.Expected = c.lines("results.expected", res.Expected)
	res.Actual = c.lines("results.actual", res.Actual)
	for k, v := range res.Evidence {
		res.Evidence[k] = cutEvidence(k, v, c)
	}
}

// cutEvidence cuts the strings and lists in one evidence value until its
// JSON is at most maxEvidence bytes. Values it leaves alone keep their Go
// type (the HTML report renders some by type).
func cutEvidence(key string, v any, c *cutter) any {
	field := "results.evidence." + key
	switch v := v.(type) {
	case string:
		if key == evScreenshot && len(v) <= maxScreenshot {
			return v // our own PNG, not text: cutting would break it
		}
		return c.cut(field, v, MaxValue)
	case []string:
		if len(v) > maxListItems {
			v = v[:maxListItems]
			c.mark(field + " (list shortened)")
		}
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = c.cut(field, s, MaxValue)
		}
		return out
	}
	b, err := json.Marshal(v)
	if err != nil || len(b) <= MaxValue {
		return v
	}
	for _, lim := range []struct{ str, items int }{{MaxValue, maxListItems}, {256, 100}, {64, 20}} {
		var x any
		if json.Unmarshal(b, &x) != nil {
			break
		}
		local := &cutter{}
		x = walkCut(x, field, lim.str, lim.items, local)
		if len(local.fields) == 0 {
			return v
		}
		if out, err := json.Marshal(x); err == nil && len(out) <= maxEvidence {
			c.merge(local)
			return x
		}
	}
	return c.cut(field, string(b), maxEvidence)
}

// walkCut cuts the strings (and keys) of a decoded JSON value to maxStr
// bytes and its lists to maxItems.
func walkCut(x any, field string, maxStr, maxItems int, c *cutter) any {
	switch x := x.(type) {
	case string:
		return c.cut(field, x, maxStr)
	case []any:
		if len(x) > maxItems {
			x = x[:maxItems]
			c.mark(field + " (list shortened)")
		}
		for i := range x {
			x[i] = walkCut(x[i], field, maxStr, maxItems, c)
		}
		return x
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, v := range x {
			out[c.cut(field, k, maxStr)] = walkCut(v, field, maxStr, maxItems, c)
		}
		return out
	}
	return x
}

func (c *cutter) merge(o *cutter) {
	c.values += o.values
	c.longest = max(c.longest, o.longest)
	for f := range o.fields {
		c.mark(f)
	}
}

// budgetRecordings lists fewer wire lines, events and headers of the
// largest recordings until report.json fits in MaxJSON (with a margin for
// what is added after Build): each recording gets a fair share of what the
// results leave, small ones whole. Sizes are estimated from the values
// (jsonLen), not by encoding megabytes over and over.
func budgetRecordings(r *Report, c *cutter) {
	recs := r.Recordings
	r.Recordings = nil
	rest := jsonSize(r)
	r.Recordings = recs
	allowance := MaxJSON*9/10 - rest
	sizes := map[string]int{}
	total := 0
	for name, rec := range recs {
		sizes[name] = recSize(&rec)
		total += sizes[name]
	}
	if total <= allowance {
		return
	}
	names := slices.SortedFunc(maps.Keys(recs), func(a, b string) int { return sizes[a] - sizes[b] })
	for i, name := range names {
		share := allowance / (len(names) - i)
		if sizes[name] > share {
			rec := recs[name]
			sizes[name] = shrink(&rec, share)
			recs[name] = rec
		}
		allowance -= sizes[name]
	}
	c.budget = fmt.Sprintf("recordings list fewer wire lines, events and headers (see their *_truncated counts) to keep report.json under %d MiB", MaxJSON>>20)
}

// Per-item overhead in indented report.json beyond the strings: keys,
// numbers, indentation (generous).
const (
	wireLineOverhead = 160
	eventOverhead    = 140
	headerOverhead   = 24
	chunkTimeSize    = 32
)

func wireSize(l WireLine) int {
	return wireLineOverhead + jsonLen(l.Kind) + jsonLen(l.Ending) + jsonLen(l.Text)
}
func eventSize(e EventView) int {
	return eventOverhead + jsonLen(e.Type) + jsonLen(e.Data) + jsonLen(e.ID)
}

// recSize estimates rec's size in report.json from above.
func recSize(rec *Recording) int {
	bare := *rec
	bare.Wire, bare.Events, bare.ChunkTimes, bare.Header = nil, nil, nil, nil
	n := jsonSize(bare) + chunkTimeSize*len(rec.ChunkTimes)
	for k, vals := range rec.Header {
		n += jsonLen(k) + headerOverhead
		for _, v := range vals {
			n += jsonLen(v) + headerOverhead
		}
	}
	for _, l := range rec.Wire {
		n += wireSize(l)
	}
	for _, e := range rec.Events {
		n += eventSize(e)
	}
	return n
}

// shrink drops the tail of rec's lists until its estimated size is at
// most max bytes, and returns that size. Headers go last, chunk times
// (the timeline) first; wire lines and events share what is left.
func shrink(rec *Recording, max int) int {
	size := recSize(rec)
	if size <= max {
		return size
	}
	if len(rec.ChunkTimes) > 0 {
		rec.ChunkTimes = rec.ChunkTimes[:0]
	}
	size = recSize(rec)
	for size > max && (len(rec.Wire) > 0 || len(rec.Events) > 0) {
		// Drop from whichever list is larger, one item at a time.
		if len(rec.Wire) > 0 && (len(rec.Events) == 0 || len(rec.Wire) >= 2*len(rec.Events)) {
			size -= wireSize(rec.Wire[len(rec.Wire)-1])
			rec.Wire = rec.Wire[:len(rec.Wire)-1]
			rec.WireCut++
		} else {
			size -= eventSize(rec.Events[len(rec.Events)-1])
			rec.Events = rec.Events[:len(rec.Events)-1]
			rec.EventsCut++
		}
	}
	for _, k := range slices.Backward(slices.Sorted(maps.Keys(rec.Header))) {
		if size <= max {
			break
		}
		rec.HeadersCut += len(rec.Header[k])
		delete(rec.Header, k)
		size = recSize(rec)
	}
	return size
}

// jsonLen is an upper bound on the length of s encoded as a JSON string
// by encoding/json: controls, <, >, & and invalid bytes become \uXXXX.
func jsonLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6
			case c == '"' || c == '\\':
				n += 2
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// jsonSize is v's size in report.json, indented as WriteJSON does (two
// levels deep, where recordings sit).
func jsonSize(v any) int {
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		return 0
	}
	return len(b)
}
