package parser

import (
	"bytes"
	"time"
)

// Parser consumes an event-stream body incrementally. It is not safe for
// concurrent use; callers synchronise Feed, Finish and reads of Result.
type Parser struct {
	res      Result
	max      int
	maxLines int
	maxData  int
	cur      []byte // the unterminated line so far; never longer than max
	pos      int64  // body offset of the next byte to be fed
	from     int64  // body offset where the current line starts
	// crWait: the last byte fed was a CR that already ended a line. The line
	// is processed at the CR (as a browser would dispatch there), and an LF
	// arriving next only turns that ending into CRLF.
	crWait bool
	dead   bool // ErrLineTooLong: input is ignored from then on

	open int // index in res.Blocks of the block being read, -1 between blocks
	// The data buffer: its length (values plus LFs) and the data lines'
	// values, joined only at dispatch, so a block of data lines that no
	// blank line ends holds no second copy of them.
	dataLen  int
	dataVals []string
	typ      string  // event type buffer
	id       string  // last event ID buffer
	blockID  *string // id applied by the open block, for Event.ID

	slab []byte // backing store that Line.Raw copies are cut from
}

// New returns a parser; a zero MaxLine means DefaultMaxLine.
func New(opts Options) *Parser {
	limit := opts.MaxLine
	if limit <= 0 {
		limit = DefaultMaxLine
	}
	maxLines := opts.MaxLines
	if maxLines <= 0 {
		maxLines = DefaultMaxLines
	}
	maxData := opts.MaxData
	if maxData <= 0 {
		maxData = DefaultMaxData
	}
	return &Parser{max: limit, maxLines: maxLines, maxData: maxData, open: -1, res: Result{InvalidUTF8: -1}}
}

// Parse is New, Feed of the whole body at time 0 and Finish: for tests and
// golden vectors.
func Parse(body []byte) *Result {
	p := New(Options{})
	_ = p.Feed(body, 0) // the error is also in Result.Err
	return p.Finish(0)
}

// Result returns the live result, not a copy.
func (p *Parser) Result() *Result { return &p.res }

// Feed appends body bytes that arrived at `at`. Lines may be split across
// calls anywhere, including inside a CRLF or a UTF-8 sequence. Once a line
// exceeds MaxLine it returns ErrLineTooLong, records it in Result.Err and
// ignores all later input (Result.Bytes still counts it, so the total does not
// depend on how the body was chunked). Feed after Finish does nothing.
func (p *Parser) Feed(b []byte, at time.Duration) error {
	if p.res.Finished {
		return p.res.Err
	}
	p.res.Bytes += int64(len(b))
	if p.dead {
		return p.res.Err
	}
	base := p.pos // offset of b[0]
	p.pos += int64(len(b))

	// Next LF / CR at or after i (len(b) when none), cached so that a body
	// full of one kind of ending is still scanned in linear time.
	nextLF, nextCR := -1, -1
	for i := 0; i < len(b); {
		if p.crWait {
			p.crWait = false
			if b[i] == '\n' {
				p.toCRLF()
				i++
				p.from = base + int64(i)
				continue
			}
		}
		if nextLF < i {
			nextLF = indexFrom(b, i, '\n')
		}
		if nextCR < i {
			nextCR = indexFrom(b, i, '\r')
		}
		e := min(nextLF, nextCR)
		if len(p.cur)+e-i > p.max {
			return p.tooLong()
		}
		if len(p.res.Lines) >= p.maxLines {
			return p.stop(ErrTooManyLines)
		}
		if e == len(b) { // no ending in this chunk: keep the partial line
			p.cur = append(p.cur, b[i:]...)
			break
		}
		raw := b[i:e]
		if len(p.cur) > 0 {
			p.cur = append(p.cur, raw...)
			raw = p.cur
		}
		if b[e] == '\r' {
			p.line(raw, EndingCR, at)
			p.crWait = true
		} else {
			p.line(raw, EndingLF, at)
		}
		if p.dead { // the line hit a limit (MaxData)
			return p.res.Err
		}
		p.cur = p.cur[:0]
		i = e + 1
		p.from = base + int64(i)
	}
	return nil
}

// Finish marks the end of the body at `at`. An unterminated final line is
// recorded with EndingNone, and a block not closed by a blank line becomes
// Result.Pending without dispatching. Calling it again is a no-op.
func (p *Parser) Finish(at time.Duration) *Result {
	if p.res.Finished {
		return &p.res
	}
	p.res.Finished = true
	p.crWait = false
	if !p.dead && len(p.cur) > 0 {
		if p.from == 0 && string(p.cur) == bom {
			p.res.BOM = true // a body of just a BOM holds no line at all
		} else {
			p.line(p.cur, EndingNone, at)
		}
	}
	p.cur = nil
	if p.open >= 0 {
		p.res.Pending = &p.res.Blocks[p.open]
		p.open = -1
	}
	return &p.res
}

func (p *Parser) tooLong() error { return p.stop(ErrLineTooLong) }

// stop ends parsing at a limit; later input is only counted.
func (p *Parser) stop(err error) error {
	p.dead = true
	p.cur = nil
	p.res.Err = err
	return err
}

// toCRLF turns the last line's CR ending into CRLF when the LF turns up,
// moving the end offsets of the block and event that line closed.
func (p *Parser) toCRLF() {
	ln := &p.res.Lines[len(p.res.Lines)-1]
	ln.Ending = EndingCRLF
	if ln.Kind != KindBlank || ln.Block < 0 {
		return
	}
	blk := &p.res.Blocks[ln.Block]
	blk.End++
	if blk.Event >= 0 {
		p.res.Events[blk.Event].End++
	}
}

// keep copies raw so that Line.Raw never aliases the caller's buffer; small
// lines share slabs to save allocations.
func (p *Parser) keep(raw []byte) []byte {
	const slabSize = 32 << 10
	if len(raw) == 0 {
		return []byte{}
	}
	if len(raw) > slabSize/8 {
		return bytes.Clone(raw)
	}
	if cap(p.slab)-len(p.slab) < len(raw) {
		p.slab = make([]byte, 0, slabSize)
	}
	n := len(p.slab)
	p.slab = append(p.slab, raw...)
	return p.slab[n:len(p.slab):len(p.slab)]
}

func indexFrom(b []byte, i int, c byte) int {
	if k := bytes.IndexByte(b[i:], c); k >= 0 {
		return i + k
	}
	return len(b)
}
