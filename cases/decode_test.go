package cases

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ssespec/ssespec/harness/stream"
)

// bombChunks is a recorded gzip bomb: members of 1 MiB data lines with no
// blank line, ~1000 bytes decoded per byte recorded.
func bombChunks(t *testing.T, members int) []stream.Chunk {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	line := []byte("data: " + strings.Repeat("A", 1<<20) + "\n")
	for range 16 {
		zw.Write(line)
	}
	zw.Close()
	var out []stream.Chunk
	for i := range members {
		out = append(out, stream.Chunk{At: time.Duration(i) * time.Millisecond, Offset: int64(i * b.Len()), Data: b.Bytes()})
	}
	return out
}

func TestDecodeChunksStopsAtTheCap(t *testing.T) {
	chunks := bombChunks(t, 200) // 3.2 GiB decoded, uncapped
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	dec, n, err := decodeChunks(context.Background(), chunks, "gzip", 0, 0)
	took := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errDecodeCap) || n != stream.DefaultMaxBytes {
		t.Fatalf("err %v after %d bytes; want errDecodeCap at %d", err, n, stream.DefaultMaxBytes)
	}
	if dec.Bytes != n || len(dec.Events) != 0 {
		t.Errorf("parser fed %d bytes, %d events", dec.Bytes, len(dec.Events))
	}
	// Lines, values and the data buffer each hold at most the cap.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 8*uint64(stream.DefaultMaxBytes) {
		t.Errorf("decoding allocated %d MiB", grew>>20)
	}
	if took > 20*time.Second {
		t.Errorf("took %v", took)
	}
	// A smaller --max-bytes caps it sooner.
	if _, n, err := decodeChunks(context.Background(), chunks, "gzip", 0, 3<<20); !errors.Is(err, errDecodeCap) || n != 3<<20 {
		t.Errorf("max 3 MiB: err %v after %d bytes", err, n)
	}
}

func TestDecodeChunksWatchesTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, n, err := decodeChunks(ctx, bombChunks(t, 10), "gzip", 0, 1<<40)
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("err %v after %d bytes; want context.Canceled at once", err, n)
	}
}

// Events after the cap were not held back, only not decoded: the judgement
// ends at the last decoded event.
func TestDecodedUntilEndsAtTheLastDecodedEvent(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	var chunks []stream.Chunk
	for i := range 100 {
		zw.Write([]byte("data: " + strings.Repeat("x", 1000) + "\n\n"))
		zw.Flush()
		chunks = append(chunks, stream.Chunk{At: time.Duration(i) * time.Second, Data: bytes.Clone(b.Bytes())})
		b.Reset()
	}
	dec, _, err := decodeChunks(context.Background(), chunks, "gzip", 0, 10_500)
	if !errors.Is(err, errDecodeCap) || len(dec.Events) != 10 {
		t.Fatalf("err %v, %d events", err, len(dec.Events))
	}
	if at := decodedUntil(dec, err); at == nil || *at != 9*time.Second {
		t.Errorf("decodedUntil = %v, want 9s", at)
	}
	full, _, err := decodeChunks(context.Background(), chunks, "gzip", 0, 0)
	if err != nil || len(full.Events) != 100 || decodedUntil(full, err) != nil {
		t.Errorf("uncapped: err %v, %d events", err, len(full.Events))
	}
}
