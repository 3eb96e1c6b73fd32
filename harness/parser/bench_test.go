package parser

import (
	"fmt"
	"strings"
	"testing"
)

// benchBody is a few MB of typical traffic: id/event/data blocks with JSON
// payloads, some multi-line data, and keep-alive comments.
func benchBody() []byte {
	var sb strings.Builder
	for i := 0; sb.Len() < 4<<20; i++ {
		fmt.Fprintf(&sb, "id: %d\nevent: update\ndata: {\"seq\":%d,\"user\":\"alice\",\"text\":\"hello, world \u2026 %d\",\"tags\":[\"a\",\"b\",\"c\"]}\n\n", i, i, i)
		if i%10 == 0 {
			sb.WriteString(": keep-alive\n\ndata: line one\ndata: line two\r\ndata: line three\r\n\r\n")
		}
	}
	return []byte(sb.String())
}

// BenchmarkParse feeds the body in 4 KiB reads, as it comes off a socket.
func BenchmarkParse(b *testing.B) {
	body := benchBody()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		p := New(Options{})
		for off := 0; off < len(body); off += 4096 {
			if err := p.Feed(body[off:min(off+4096, len(body))], 0); err != nil {
				b.Fatal(err)
			}
		}
		p.Finish(0)
	}
}
