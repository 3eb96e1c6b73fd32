package templates

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestEventsDoc(t *testing.T) {
	doc := "# Server-Sent Events\n\n## Endpoints\n- `GET /sse` - connect\n\n" +
		"| Endpoint | What |\n|---|---|\n| `/events` | the stream |\n\n" +
		"## Event types\n\n| Event | Payload |\n|:---|---|\n| `progress` | HTML fragment |\n| **notification** | `<li>` |\n| user_left | JSON |\n\n" +
		"**Event Types:**\n- **`installed`** - Demo was installed (payload: `{demo_id}`)\n- `operation_started` - began\n\n" +
		"## Query Parameters\n- `userId` - associate\n"
	path := filepath.Join(t.TempDir(), "SSE_EVENTS.md")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := EventsDoc(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range got {
		names = append(names, n)
	}
	slices.Sort(names)
	want := []string{"installed", "notification", "operation_started", "progress", "user_left"}
	if !slices.Equal(names, want) {
		t.Fatalf("names %q, want %q", names, want)
	}
	if l := got["progress"][0]; l.Line != 14 || l.Attr != "table" {
		t.Errorf("progress at %v, want line 14 (table)", l)
	}
}

func TestEventsDocWithoutNamesIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("# Nothing\n\n| a | b |\n|---|---|\n| x | y |\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := EventsDoc(path); err == nil {
		t.Fatal("no error for a document without event names")
	}
}
