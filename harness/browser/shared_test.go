package browser

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAttach: a second client attaches to the shared browser by its
// DevTools address, runs a page in it, and its Close leaves the owner's
// browser running.
func TestAttach(t *testing.T) {
	owner := testBrowser(t)
	url := owner.DebugURL()
	if !strings.HasPrefix(url, "ws://127.0.0.1:") || !strings.Contains(url, "/devtools/browser/") {
		t.Fatalf("DebugURL = %q, want ws://127.0.0.1:PORT/devtools/browser/…", url)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := Attach(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := firstPage(ctx, b); err != nil {
		t.Fatalf("a page in the attached browser: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("closing the attachment: %v", err)
	}
	if _, err := owner.Version(ctx); err != nil {
		t.Fatalf("the owner's browser after the attachment closed: %v", err)
	}
	if _, err := Attach(ctx, "ws://127.0.0.1:1/devtools/browser/none"); err == nil {
		t.Error("Attach to a closed port succeeded")
	}
}

// TestPages: an open tab is listed with its URL and gone once closed.
func TestPages(t *testing.T) {
	b := testBrowser(t)
	srv := newSSEServer(t, func(w *eventWriter, r *http.Request, n int) {})
	tab := openPage(t, b, srv, Page{StreamURL: srv.URL + "/events"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	has := func() bool {
		pages, err := b.Pages(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(pages, func(u string) bool { return strings.HasPrefix(u, srv.URL+"/__ssespec/page-") })
	}
	if !has() {
		t.Fatal("the open tab is not among the browser's pages")
	}
	tab.Close()
	for has() {
		if ctx.Err() != nil {
			t.Fatal("the closed tab is still among the browser's pages")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
