// Package parser is a strict event-stream parser that follows the WHATWG
// "interpreting an event stream" rules and, unlike a client's parser, keeps
// everything a conformance check needs: every line with its raw bytes, offset,
// ending and arrival time; comments; unknown fields; blocks that dispatched
// nothing; and the event left pending at end of stream.
package parser

import (
	"errors"
	"time"
)

// DefaultMaxLine bounds one line: a 1 MiB value plus room for the field name,
// so a hostile target cannot make the parser buffer without limit.
const DefaultMaxLine = 1<<20 + 1024

// DefaultMaxLines bounds how many lines one recording keeps: each kept line
// costs ~120 bytes of bookkeeping, so a firehose of tiny lines must not turn
// a 16 MiB body into gigabytes.
const DefaultMaxLines = 250_000

// DefaultMaxData bounds one event's data buffer, which grows across lines
// until a blank line: as much as a recording keeps by default, so a decoded
// (say, decompressed) body fed without its own cap cannot grow it without
// limit either.
const DefaultMaxData = 16 << 20

// ErrDataTooLong is returned by Feed once an event's data buffer would
// exceed Options.MaxData.
var ErrDataTooLong = errors.New("event data exceeds the maximum the parser buffers")

// ErrTooManyLines is returned by Feed once Options.MaxLines lines were read.
var ErrTooManyLines = errors.New("event stream has more lines than the parser keeps")

// ErrLineTooLong is returned by Feed once a line exceeds Options.MaxLine.
var ErrLineTooLong = errors.New("event-stream line exceeds the maximum line length")

// Ending is how a line was terminated on the wire.
type Ending string

const (
	EndingLF   Ending = "LF"
	EndingCRLF Ending = "CRLF"
	EndingCR   Ending = "CR"
	EndingNone Ending = "" // unterminated line at end of stream
)

// LineKind classifies a line the way the spec's processing model does.
type LineKind string

const (
	KindBlank   LineKind = "blank"
	KindComment LineKind = "comment"
	KindField   LineKind = "field"
)

// Line is one line of the body as received.
type Line struct {
	Offset int64         // byte offset of the line's first byte in the body
	Raw    []byte        // the line's bytes without its ending (a stripped leading BOM is not included); the parser's own copy, which Name, Value and Event.Data may share: never modify it
	Ending Ending        // how it ended; EndingNone only for a final unterminated line
	At     time.Duration // when the line's ending arrived, relative to the recording start; for a CRLF split across chunks, when the CR arrived (the line is processed there); for EndingNone, the Finish time
	Kind   LineKind
	Name   string // field name (KindField), decoded as UTF-8
	Value  string // field value after removing one leading U+0020; comment text (after ':') for comments
	Known  bool   // Name is exactly one of data, event, id, retry
	Block  int    // index into Result.Blocks of the block this line belongs to; -1 for blank lines that end no block
	// Comments neither open nor close a block: one inside a block carries its
	// index, one between blocks has Block == -1.
}

// Block is the group of non-blank lines between blank lines: one would-be event.
// It opens at the first field line after a blank line (or the stream start)
// and is appended to Result.Blocks right away; while it is open, Last is its
// latest line and End/At are zero.
type Block struct {
	First      int           // index into Result.Lines of the block's first line
	Last       int           // index of the terminating blank line (or of the block's last line when pending)
	Offset     int64         // byte offset of the first line
	End        int64         // byte offset just after the terminating blank line
	At         time.Duration // arrival of the terminating blank line
	HasData    bool          // at least one data field
	HasEvent   bool          // at least one event field
	HasID      bool          // at least one id field (applied or ignored)
	HasRetry   bool          // at least one retry field
	Dispatched bool          // the blank line dispatched an event (data buffer non-empty)
	Event      int           // index into Result.Events when Dispatched, else -1
}

// Event is one dispatched MessageEvent, as a browser would fire it.
type Event struct {
	Type        string        // "message" when the block had no (non-empty) event field
	Data        string        // data buffer with its one trailing LF removed
	LastEventID string        // the last event ID string at dispatch (MessageEvent.lastEventId)
	ID          *string       // this block's own applied id field value, nil when it had none
	Offset      int64         // byte offset of the block's first line
	End         int64         // byte offset just after the dispatching blank line
	At          time.Duration // arrival of the dispatching blank line
	Block       int           // index into Result.Blocks
}

// Result is everything parsed so far. Fields only grow while feeding.
type Result struct {
	Lines   []Line
	Blocks  []Block
	Events  []Event
	Pending *Block // set by Finish when the body ended inside a block (the spec drops it); points at the last element of Blocks

	Bytes       int64         // body bytes fed, including any ignored after Err
	BOM         bool          // the body began with one U+FEFF, stripped per spec
	StrayBOMs   []int64       // offsets of U+FEFF found at the start of a line other than byte 0
	InvalidUTF8 int64         // offset of the first byte a strict UTF-8 decoder rejects; -1 when none
	Retry       time.Duration // reconnection time from the last valid retry field; 0 when none (saturates on overflow)
	RetrySet    bool          // a valid retry field was applied (Retry may legitimately be 0); an unterminated final line never applies one
	LastEventID string        // last event ID string (set from the buffer at each blank line, as Last-Event-ID on reconnect would be) after the last processed line
	Err         error         // ErrLineTooLong, ErrTooManyLines or ErrDataTooLong once a limit was hit; feeding stops there
	Finished    bool          // Finish was called
}

// Options tune the parser.
type Options struct {
	MaxLine  int // longest line accepted, in bytes; 0 means DefaultMaxLine
	MaxLines int // lines kept before parsing stops with ErrTooManyLines; 0 means DefaultMaxLines
	MaxData  int // longest data buffer (one event's data plus its LFs) before parsing stops with ErrDataTooLong; 0 means DefaultMaxData
}
