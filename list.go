package ssespec

import "github.com/ssespec/ssespec/suite"

// List returns every registered check: the catalog comes from the check
// values both executors run, so it cannot drift from them.
func List() ([]suite.Meta, error) {
	return suite.All(), nil
}

// CatalogEntry is one check in `ssespec list --format json` and the golden
// catalog.
type CatalogEntry struct {
	ID          string   `json:"id"`
	Level       string   `json:"level"`
	Area        string   `json:"area"`
	Title       string   `json:"title"`
	Requirement string   `json:"requirement"`
	Source      string   `json:"source"`
	Modes       []string `json:"modes"`
	Slow        bool     `json:"slow,omitempty"`
	Tolerates   string   `json:"tolerates,omitempty"`
	Offline     string   `json:"offline,omitempty"` // what of a capture ssespec judge judges: body or headers
}

// CatalogOf converts checks to catalog entries.
func CatalogOf(checks []suite.Meta) []CatalogEntry {
	out := make([]CatalogEntry, 0, len(checks))
	for _, c := range checks {
		e := CatalogEntry{ID: c.ID, Level: string(c.Level), Area: c.Area(), Title: c.Title, Requirement: c.Requirement, Source: c.Source, Slow: c.Slow, Tolerates: c.Tolerates, Offline: string(c.Offline)}
		for _, m := range c.Modes {
			e.Modes = append(e.Modes, string(m))
		}
		out = append(out, e)
	}
	return out
}
