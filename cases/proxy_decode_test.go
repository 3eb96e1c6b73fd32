package cases

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/ssespec/ssespec/harness/stream"
)

// Every coding a browser accepts decodes incrementally: each event is
// stamped with the arrival of the compressed chunk that completed it.
func TestProxyDecodeEveryBrowserCoding(t *testing.T) {
	events := []string{"id: 1\ndata: one\n\n", "id: 2\ndata: two\n\n", "id: 3\ndata: three\n\n"}
	writers := map[string]func(io.Writer) (io.WriteCloser, func() error){
		"gzip":        func(w io.Writer) (io.WriteCloser, func() error) { z := gzip.NewWriter(w); return z, z.Flush },
		"deflate":     func(w io.Writer) (io.WriteCloser, func() error) { z := zlib.NewWriter(w); return z, z.Flush },
		"raw-deflate": func(w io.Writer) (io.WriteCloser, func() error) { z, _ := flate.NewWriter(w, 5); return z, z.Flush },
		"br":          func(w io.Writer) (io.WriteCloser, func() error) { z := brotli.NewWriter(w); return z, z.Flush },
		"zstd": func(w io.Writer) (io.WriteCloser, func() error) {
			z, _ := zstd.NewWriter(w)
			return z, z.Flush
		},
	}
	for name, mk := range writers {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			z, flush := mk(&buf)
			var chunks []stream.Chunk
			for i, ev := range events {
				start := buf.Len()
				io.WriteString(z, ev)
				if err := flush(); err != nil {
					t.Fatal(err)
				}
				chunks = append(chunks, stream.Chunk{At: time.Duration(i+1) * time.Second, Data: bytes.Clone(buf.Bytes()[start:])})
			}
			coding := name
			if name == "raw-deflate" {
				coding = "deflate"
			}
			res, err := proxyDecode(chunks, coding, decodeLimits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Events) != 3 {
				t.Fatalf("decoded %d events, want 3", len(res.Events))
			}
			for i, ev := range res.Events {
				if want := time.Duration(i+1) * time.Second; ev.At != want {
					t.Errorf("event %d stamped %v, want %v (its chunk's arrival)", i+1, ev.At, want)
				}
			}
		})
	}
}
