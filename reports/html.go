package reports

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The HTML report is one self-contained file: inline CSS, inline SVG, images
// only as data: URLs, no script, and a CSP that forbids everything else. The
// target's bytes reach it only through html/template's contextual escaping.

//go:embed templates/*.tmpl
var templateFS embed.FS

var htmlTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"text":   func(s string) []seg { return visible(s, false) },
	"wire":   func(s string) []seg { return visible(s, true) },
	"plain":  plain,
	"vclass": verdictClass,
	"lclass": levelClass,
	"upper":  strings.ToUpper,
}).ParseFS(templateFS, "templates/*.tmpl"))

// WriteHTML writes the HTML report to path.
func WriteHTML(r *Report, path string) error {
	var buf bytes.Buffer
	if err := RenderHTML(r, &buf); err != nil {
		return err
	}
	return writeFile(path, buf.Bytes())
}

// RenderHTML writes the HTML report to w.
func RenderHTML(r *Report, w io.Writer) error {
	if r == nil {
		return fmt.Errorf("reports: render html: no report")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := htmlTemplates.ExecuteTemplate(bw, "report", newHTMLPage(r)); err != nil {
		return fmt.Errorf("reports: render html: %w", err)
	}
	return bw.Flush()
}

// areaOrder is the catalog's order; other areas follow alphabetically.
var areaOrder = []string{"HTTP", "FRAME", "KEEP", "FLUSH", "NAME", "DATA", "RESUME", "CONN", "BROWSER", "PROXY"}

var areaTitles = map[string]string{
	"HTTP": "status and headers", "FRAME": "wire format", "KEEP": "keepalive",
	"FLUSH": "buffering", "NAME": "event-name matching", "DATA": "payload fidelity",
	"RESUME": "reconnection", "CONN": "connections under load",
	"BROWSER": "Chromium with htmx", "PROXY": "through a proxy",
}

type htmlPage struct {
	Tool, Version, Target, Mode, Started, Duration string
	Counts                                         countRow // per verdict, all checks
	Summary                                        Summary
	Banner, BannerClass, BannerNote                string
	Levels                                         []*countRow
	Areas                                          []*areaView
	Warnings                                       []string
	Truncated                                      *Truncation
	Implementation                                 *Implementation // what was tested, when named
}

// countRow counts verdicts for a level or an area.
type countRow struct {
	Name, Anchor, Title            string
	Pass, Fail, Skip, Error, Total int
}

func (c *countRow) add(verdict string) {
	c.Total++
	switch verdict {
	case Pass:
		c.Pass++
	case Fail:
		c.Fail++
	case Skip:
		c.Skip++
	case Error:
		c.Error++
	}
}

// Problems is failed plus errored.
func (c *countRow) Problems() int { return c.Fail + c.Error }

type areaView struct {
	countRow
	Checks []*checkView
}

type checkView struct {
	Result
	Anchor, Duration, Lead string
	Open                   bool
	Evidence               evidenceView
}

func newHTMLPage(r *Report) *htmlPage {
	p := &htmlPage{
		Tool: r.Tool, Version: r.Version, Target: r.Target, Mode: r.Mode,
		Started: "—", Duration: (time.Duration(r.DurationMS) * time.Millisecond).Round(100 * time.Millisecond).String(),
		Summary: summarize(r.Results), Warnings: r.Warnings, Truncated: r.Truncated,
		Implementation: r.Implementation,
	}
	if p.Tool == "" {
		p.Tool = "ssespec"
	}
	if !r.Started.IsZero() {
		p.Started = r.Started.Format("2006-01-02 15:04:05 MST")
	}
	p.Counts.Name = "all"
	levels := map[string]*countRow{}
	areas := map[string]*areaView{}
	for _, res := range r.Results {
		p.Counts.add(res.Verdict)
		lv := levels[res.Level]
		if lv == nil {
			lv = &countRow{Name: res.Level}
			levels[res.Level] = lv
		}
		lv.add(res.Verdict)
		name := areaOf(res)
		a := areas[name]
		if a == nil {
			a = &areaView{countRow: countRow{Name: name, Title: areaTitles[name]}}
			areas[name] = a
		}
		a.add(res.Verdict)
		a.Checks = append(a.Checks, &checkView{Result: res})
	}
	for _, l := range sortedKeys(levels, []string{"MUST", "SHOULD", "BP"}) {
		p.Levels = append(p.Levels, levels[l])
	}
	ids := newAnchors()
	for _, name := range sortedKeys(areas, areaOrder) {
		a := areas[name]
		a.Anchor = ids.get("area-" + name)
		p.Areas = append(p.Areas, a)
	}
	for _, a := range p.Areas {
		for _, c := range a.Checks {
			c.Anchor = ids.get(c.ID)
			c.Open = c.Verdict == Fail || c.Verdict == Error
			c.Duration = fmtDuration(c.DurationMS)
			if c.Verdict != Pass {
				c.Lead = firstLine(strings.TrimSpace(c.Message))
				if len(c.Lead) > 160 {
					c.Lead = c.Lead[:160] + "…"
				}
			}
		}
	}
	newEvidenceBuilder(r, ids).build(p.Areas)
	p.banner()
	if r.HookStopped != "" {
		p.BannerNote += " · " + r.HookStopped
	}
	if r.TargetStopped != "" {
		p.BannerNote += " · " + r.TargetStopped + "; the checks after it were not run"
	}
	if r.Baseline != nil {
		p.baselineBanner(r)
	}
	if r.Interrupted != "" {
		p.Banner, p.BannerClass = "Run interrupted ("+r.Interrupted+")", "error"
		p.BannerNote += fmt.Sprintf(" · %d selected check(s) did not run: %s", len(r.NotRun), strings.Join(r.NotRun, ", "))
	}
	return p
}

func (p *htmlPage) banner() {
	// Run means judged: a skipped MUST check proves nothing either way.
	s, must, skipped := p.Summary, 0, 0
	for _, l := range p.Levels {
		if l.Name == "MUST" {
			must, skipped = l.Total-l.Skip, l.Skip
		}
	}
	switch {
	case s.MustFailed > 0:
		p.Banner, p.BannerClass = plural(s.MustFailed, "MUST check")+" failed", "fail"
		if s.MustErrored > 0 {
			p.Banner += fmt.Sprintf(", %d errored", s.MustErrored)
		}
	case s.MustErrored > 0:
		p.Banner, p.BannerClass = plural(s.MustErrored, "MUST check")+" could not be judged", "error"
	case must == 0:
		p.Banner, p.BannerClass = "No MUST checks ran", "skip"
	default:
		p.Banner, p.BannerClass = "MUST checks pass", "pass"
	}
	p.BannerNote = fmt.Sprintf("%d MUST checks run · %d SHOULD failed", must, s.ShouldFailed)
	if skipped > 0 {
		p.BannerNote = fmt.Sprintf("%d MUST checks run, %d skipped · %d SHOULD failed", must, skipped, s.ShouldFailed)
	}
}

// baselineBanner says what the baseline made of the run: the banner says
// so when every MUST problem was a known one (the exit status is 0).
func (p *htmlPage) baselineBanner(r *Report) {
	o := r.Baseline
	p.BannerNote += fmt.Sprintf(" · baseline: %d known, %d new, %d stale", len(o.Known), len(o.New), len(o.Stale))
	for i, e := range o.Stale {
		p.BannerNote += map[bool]string{true: " (now pass, delete them: ", false: ", "}[i == 0] + e.ID
	}
	if len(o.Stale) > 0 {
		p.BannerNote += ")"
	}
	newMust := 0
	for _, res := range r.Results {
		if !res.Baselined && res.Level == "MUST" && (res.Verdict == Fail || res.Verdict == Error) {
			newMust++
		}
	}
	if newMust == 0 && p.Summary.MustFailed+p.Summary.MustErrored > 0 {
		p.Banner, p.BannerClass = "No new MUST failures: "+plural(p.Summary.MustFailed+p.Summary.MustErrored, "known MUST problem")+" (baselined)", "skip"
	}
}

func areaOf(res Result) string {
	if res.Area != "" {
		return res.Area
	}
	if parts := strings.Split(res.ID, "-"); len(parts) == 3 {
		return parts[1]
	}
	return "OTHER"
}

// sortedKeys lists first the keys named in order, then the rest sorted.
func sortedKeys[V any](m map[string]V, order []string) []string {
	var keys, rest []string
	for _, k := range order {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	for k := range m {
		if !slices.Contains(order, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(keys, rest...)
}

// anchors hands out unique, plain element ids: readable ones (SSE-FRAME-005)
// when the name is safe, numbered ones otherwise.
type anchors struct {
	used map[string]bool
	n    int
}

var plainID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,63}$`)

func newAnchors() *anchors { return &anchors{used: map[string]bool{}} }

func (a *anchors) get(name string) string {
	if !plainID.MatchString(name) || a.used[name] {
		for {
			a.n++
			name = fmt.Sprintf("x-%d", a.n)
			if !a.used[name] {
				break
			}
		}
	}
	a.used[name] = true
	return name
}

var verdictClasses = map[string]bool{Pass: true, Fail: true, Skip: true, Error: true}

func verdictClass(v string) string {
	if verdictClasses[v] {
		return v
	}
	return "unknown"
}

func levelClass(l string) string {
	switch l {
	case "MUST", "SHOULD", "BP":
		return l
	}
	return "other"
}

func fmtDuration(ms int64) string {
	if ms < 1000 {
		return fmt.Sprintf("%d ms", ms)
	}
	return fmt.Sprintf("%.1f s", float64(ms)/1000)
}

func fmtMS(ms float64) string {
	switch {
	case ms >= 10000:
		return fmt.Sprintf("%.2f s", ms/1000)
	case ms >= 100:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.1f ms", ms)
	}
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}
