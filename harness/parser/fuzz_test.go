package parser

import (
	"math/rand/v2"
	"testing"
)

// FuzzParse checks that no input panics, that the result is structurally
// consistent, and that feeding in arbitrary pieces (seeded) gives exactly the
// whole-body result, with and without a small MaxLine.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"data:x\n\n", "\uFEFFdata:1\r\n\r\n", "data:a\rdata:b\r\r", "id:\x00\nretry:12\n\n",
		"data:\xE2\x80\n\xF0\x9F\x98\x80\n\n", ":c\r\n\uFEFFx:y\n\ndata", "\r\n\r\n\n\r\r",
	} {
		f.Add([]byte(s), uint64(1), uint8(0))
	}
	f.Fuzz(func(t *testing.T, body []byte, seed uint64, limit uint8) {
		opts := Options{}
		if limit > 0 {
			opts.MaxLine = int(limit%32) + 1
		}
		whole := feedSplit(body, nil, opts)
		checkConsistent(t, body, whole)
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		sameResult(t, "random pieces", whole, feedSplit(body, randomCuts(rng, len(body)), opts))
		if len(body) <= 256 {
			sameResult(t, "byte by byte", whole, feedSplit(body, everyByte(len(body)), opts))
		}
	})
}
