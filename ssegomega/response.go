package ssegomega

import (
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// HaveStatus matches the response's status code: an int for equality or
// any Gomega matcher.
func HaveStatus(want any) types.GomegaMatcher {
	m, desc := valueMatcher(want)
	return &responseMatcher{
		what: "status " + desc,
		test: func(s *snapshot) (bool, string, error) {
			if m == nil {
				return false, "", fmt.Errorf("ssegomega: HaveStatus wants an int or a Gomega matcher, got %T", want)
			}
			ok, err := m.Match(s.status)
			return ok, fmt.Sprintf("status %d", s.status), err
		},
	}
}

// HaveHeader matches a response header: with no value, that it is present;
// with one (a string for equality or any Gomega matcher), its values
// joined with ", " as HTTP combines repeated fields.
func HaveHeader(name string, value ...any) types.GomegaMatcher {
	what := "header " + clip(name, maxText)
	var m types.GomegaMatcher
	var bad any
	if len(value) > 0 {
		var desc string
		m, desc = valueMatcher(value[0])
		if m == nil {
			bad = value[0]
		}
		what += " " + desc
	}
	return &responseMatcher{
		what: what,
		test: func(s *snapshot) (bool, string, error) {
			if bad != nil || len(value) > 1 {
				return false, "", fmt.Errorf("ssegomega: HaveHeader wants a name and at most one string or Gomega matcher, got %d values (%T)", len(value), bad)
			}
			vs, ok := s.header[http.CanonicalHeaderKey(name)]
			if !ok {
				return false, "no " + clip(name, maxText) + " header" + s.headerNames(), nil
			}
			got := strings.Join(vs, ", ")
			if m == nil {
				return true, clip(name, maxText) + ": " + clip(got, maxText), nil
			}
			match, err := m.Match(got)
			return match, clip(name, maxText) + ": " + clip(got, maxText), err
		},
	}
}

// HaveContentType matches the media type of Content-Type, case-insensitively
// and ignoring parameters: HaveContentType("text/event-stream") accepts
// "text/event-stream; charset=utf-8". Use HaveHeader for the exact value.
func HaveContentType(mediaType string) types.GomegaMatcher {
	return &responseMatcher{
		what: "content type " + clip(mediaType, maxText),
		test: func(s *snapshot) (bool, string, error) {
			ct := s.header.Get("Content-Type")
			if ct == "" {
				return false, "no Content-Type header", nil
			}
			got, _, err := mime.ParseMediaType(ct)
			if err != nil {
				return false, "Content-Type " + clip(ct, maxText) + " (unparsable)", nil
			}
			return strings.EqualFold(got, mediaType), "Content-Type " + clip(ct, maxText), nil
		},
	}
}

// valueMatcher turns a string or int into Equal, keeps a matcher, and
// returns nil for anything else.
func valueMatcher(want any) (types.GomegaMatcher, string) {
	switch w := want.(type) {
	case types.GomegaMatcher:
		return w, describeMatcher(w)
	case string:
		return gomega.Equal(w), clip(w, maxText)
	case int:
		return gomega.Equal(w), fmt.Sprint(w)
	}
	return nil, fmt.Sprintf("(%T)", want)
}

// responseMatcher judges the status line and headers, waiting for them on
// a live stream.
type responseMatcher struct {
	what string
	test func(*snapshot) (ok bool, got string, err error)
	last *snapshot
	got  string
}

func (m *responseMatcher) Match(actual any) (bool, error) {
	s, err := take(actual)
	if err != nil {
		return false, err
	}
	m.last = s
	if !s.headers {
		m.got = "no response: " + s.state()
		return false, nil
	}
	ok, got, err := m.test(s)
	m.got = got
	return ok, err
}

func (m *responseMatcher) FailureMessage(any) string {
	return fmt.Sprintf("Expected the response of %s\nto have %s\nbut it had %s", m.last.target(), m.what, m.got)
}

func (m *responseMatcher) NegatedFailureMessage(any) string {
	return fmt.Sprintf("Expected the response of %s\nnot to have %s\nbut it had %s", m.last.target(), m.what, m.got)
}

// MatchMayChangeInTheFuture: only a stream still waiting for its headers
// can change its response.
func (m *responseMatcher) MatchMayChangeInTheFuture(actual any) bool {
	c := connOf(actual)
	return c != nil && !closed(c.HeadersDone())
}

// headerNames lists the response's header names, for "no such header"
// (net/http accepts only token characters in them).
func (s *snapshot) headerNames() string {
	if len(s.header) == 0 {
		return " (no headers)"
	}
	names := slices.Sorted(maps.Keys(s.header))
	if len(names) > 20 {
		names = append(names[:20], "…")
	}
	return " (it had " + strings.Join(names, ", ") + ")"
}
