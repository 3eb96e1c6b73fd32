package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Inline SVG charts. Geometry is computed here; the templates only place
// numbers and escaped labels. Colours come from CSS classes (s0…s5).

type axisTick struct {
	Pos   string // x or y in the viewBox
	Label string
}

// timelineView draws a recording over time: a tick per chunk read, a mark
// per dispatched event, when headers arrived and when the stream ended.
type timelineView struct {
	W, H, X0, X1             int
	Ticks                    string // path data, one short vertical line per chunk
	Chunks, ChunksDrawn      int
	Events                   string // path data, one mark per event
	EventsCount              int
	HeadersX, EndX           string
	HeadersLabel, EndLabel   string
	HasHeaders, HasEnd       bool
	HeadersAnchor, EndAnchor string
	HeadersLabelX, EndLabelX string
	Axis                     []axisTick
}

// markPath draws w-wide, h-high marks at each x as path data, merging marks
// that touch, so thousands of reads cost a few runs, not thousands of lines.
func markPath(xs []float64, w, y, h int) string {
	px := make([]int, len(xs))
	for i, x := range xs {
		px[i] = int(math.Round(x))
	}
	slices.Sort(px)
	var d strings.Builder
	for i := 0; i < len(px); {
		a, b := px[i], px[i]+w
		for i++; i < len(px) && px[i] <= b; i++ {
			b = max(b, px[i]+w)
		}
		fmt.Fprintf(&d, "M%d %dh%dv%dh%dz", a, y, b-a, h, a-b)
	}
	return d.String()
}

func newTimeline(rec *Recording) *timelineView {
	const w, x0, x1 = 960, 70, 940
	t := &timelineView{W: w, H: 86, X0: x0, X1: x1, Chunks: rec.Chunks, ChunksDrawn: len(rec.ChunkTimes), EventsCount: len(rec.Events) + rec.EventsCut}
	tmax := max(rec.EndMS, rec.HeadersMS)
	for _, c := range rec.ChunkTimes {
		tmax = max(tmax, c)
	}
	for _, e := range rec.Events {
		tmax = max(tmax, e.MS)
	}
	if !(tmax > 0) || math.IsInf(tmax, 0) {
		tmax = 1
	}
	x := func(ms float64) float64 {
		if !(ms > 0) {
			return x0
		}
		return x0 + (x1-x0)*min(ms/tmax, 1)
	}
	chunks := make([]float64, len(rec.ChunkTimes))
	for i, c := range rec.ChunkTimes {
		chunks[i] = x(c)
	}
	events := make([]float64, len(rec.Events))
	for i, e := range rec.Events {
		events[i] = x(e.MS) - 1.5
	}
	t.Ticks, t.Events = markPath(chunks, 1, 16, 14), markPath(events, 3, 40, 14)
	// Labels sit on one line above the plot: headers' starts at its line,
	// end's ends at its line unless that would run into headers' label.
	const charW = 5.8 // about one character at font-size 10
	labelEnd := float64(x0)
	if rec.HeadersMS > 0 || rec.Status != 0 {
		hx := x(rec.HeadersMS)
		t.HasHeaders, t.HeadersX, t.HeadersLabel = true, fmt.Sprintf("%.1f", hx), "headers "+fmtMS(rec.HeadersMS)
		t.HeadersAnchor, t.HeadersLabelX = "start", t.HeadersX
		labelEnd = hx + charW*float64(len(t.HeadersLabel))
		if labelEnd > w {
			t.HeadersAnchor, labelEnd = "end", hx
		}
	}
	if rec.End != "" {
		ex := x(rec.EndMS)
		t.HasEnd, t.EndX, t.EndLabel = true, fmt.Sprintf("%.1f", ex), "end: "+shorten(plain(rec.End), 24)+" "+fmtMS(rec.EndMS)
		t.EndAnchor, t.EndLabelX = "end", t.EndX
		if width := charW * float64(len([]rune(t.EndLabel))); ex-width < labelEnd+8 {
			t.EndAnchor, t.EndLabelX = "start", fmt.Sprintf("%.1f", max(ex+4, labelEnd+8))
		}
	}
	step := niceStep(tmax, 8)
	for v := 0.0; v <= tmax*1.0001; v += step {
		t.Axis = append(t.Axis, axisTick{Pos: fmt.Sprintf("%.1f", x(v)), Label: axisLabel(v, tmax)})
	}
	return t
}

// latencyView is a per-event latency chart with one line per series, the
// budget as a dashed line, and p50/p95/max per series.
type latencyView struct {
	W, H, X0, X1, Y0, Y1 int
	Lines                []chartLine
	YTicks, XTicks       []axisTick
	HasBudget, Log       bool
	Budget, BudgetY      string
	Series               []seriesStats
}

type chartLine struct {
	Class, Points string
	Dots          []point
}

type point struct{ X, Y string }

type seriesStats struct {
	Name, Class, P50, P95, Max, Mean string
	N, Over                          int
	LegendX                          int
}

type series struct {
	name   string
	values []float64
}

// latencySeries reads latency_ms: an object of series (name → numbers) or
// one list of numbers.
func latencySeries(v any) ([]series, bool) {
	nums := func(v any) ([]float64, bool) {
		list, ok := v.([]any)
		if !ok {
			return nil, false
		}
		out := make([]float64, 0, len(list))
		for _, x := range list {
			if f, ok := x.(float64); ok && !math.IsNaN(f) && !math.IsInf(f, 0) {
				out = append(out, f)
			}
		}
		return out, true
	}
	switch v := v.(type) {
	case []any:
		vals, _ := nums(v)
		return []series{{"latency", vals}}, true
	case map[string]any:
		var out []series
		for _, k := range sortedKeys(v, []string{"direct", "proxied"}) {
			if vals, ok := nums(v[k]); ok {
				out = append(out, series{k, vals})
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

const maxChartPoints = 600

func newLatencyView(ss []series, budget float64, hasBudget bool) *latencyView {
	const w, h, x0, x1, y0, y1 = 680, 250, 56, 664, 34, 214
	l := &latencyView{W: w, H: h, X0: x0, X1: x1, Y0: y0, Y1: y1, HasBudget: hasBudget}
	n, ymax := 0, 0.0
	for _, s := range ss {
		n = max(n, len(s.values))
		for _, v := range s.values {
			ymax = max(ymax, v)
		}
	}
	if hasBudget {
		ymax = max(ymax, budget)
		l.Budget = fmtMS(budget)
	}
	if !(ymax > 0) {
		ymax = 1
	}
	y := linearScale(ymax, y0, y1, &l.YTicks)
	if lo := smallestMedian(ss); lo > 0 && ymax/lo > 20 {
		// One series (or a few spikes) would flatten the rest onto the axis.
		y, l.Log = logScale(lo, ymax, y0, y1, &l.YTicks), true
	}
	span := max(n-1, 1)
	x := func(i float64) float64 { return x0 + (x1-x0)*i/float64(span) }
	xstep := max(niceStep(float64(span), 8), 1)
	for i := 0.0; i <= float64(span); i += xstep {
		l.XTicks = append(l.XTicks, axisTick{Pos: fmt.Sprintf("%.1f", x(i)), Label: fmt.Sprint(int(i) + 1)})
	}
	if hasBudget {
		l.BudgetY = fmt.Sprintf("%.1f", y(budget))
	}
	legendX := x0
	for i, s := range ss {
		class := fmt.Sprintf("s%d", i%6)
		st := stats(s.values, budget, hasBudget)
		st.Name, st.Class, st.LegendX = plain(s.name), class, legendX
		legendX += 24 + 7*len([]rune(st.Name))
		l.Series = append(l.Series, st)
		line := chartLine{Class: class}
		var pts strings.Builder
		stride := max(1, (len(s.values)+maxChartPoints-1)/maxChartPoints)
		for j := 0; j < len(s.values); j += stride {
			v := slices.Max(s.values[j:min(j+stride, len(s.values))]) // keep spikes when thinning
			px, py := fmt.Sprintf("%.1f", x(float64(j))), fmt.Sprintf("%.1f", y(v))
			fmt.Fprintf(&pts, "%s,%s ", px, py)
			if len(s.values) <= 60 {
				line.Dots = append(line.Dots, point{px, py})
			}
		}
		line.Points = strings.TrimSpace(pts.String())
		l.Lines = append(l.Lines, line)
	}
	return l
}

func linearScale(ymax float64, y0, y1 int, ticks *[]axisTick) func(float64) float64 {
	step := niceStep(ymax*1.05, 5)
	top := math.Ceil(ymax*1.05/step) * step
	y := func(v float64) float64 { return float64(y1) - float64(y1-y0)*max(v, 0)/top }
	for v := 0.0; v <= top*1.0001; v += step {
		*ticks = append(*ticks, axisTick{Pos: fmt.Sprintf("%.1f", y(v)), Label: trimFloat(v)})
	}
	return y
}

// logScale spans whole decades from below lo to above ymax, with grid
// lines at 1, 2 and 5 of each decade.
func logScale(lo, ymax float64, y0, y1 int, ticks *[]axisTick) func(float64) float64 {
	bottom := math.Floor(math.Log10(lo / 2))
	top := math.Ceil(math.Log10(ymax * 1.05))
	y := func(v float64) float64 {
		lv := bottom
		if v > 0 {
			lv = max(math.Log10(v), bottom)
		}
		return float64(y1) - float64(y1-y0)*(lv-bottom)/(top-bottom)
	}
	*ticks = (*ticks)[:0]
	for d := bottom; d <= top; d++ {
		for _, m := range []float64{1, 2, 5} {
			if v := m * math.Pow(10, d); math.Log10(v) <= top+1e-9 {
				*ticks = append(*ticks, axisTick{Pos: fmt.Sprintf("%.1f", y(v)), Label: trimFloat(v)})
			}
		}
	}
	return y
}

// smallestMedian is the lowest positive median among the series.
func smallestMedian(ss []series) float64 {
	lo := 0.0
	for _, s := range ss {
		var pos []float64
		for _, v := range s.values {
			if v > 0 {
				pos = append(pos, v)
			}
		}
		if len(pos) == 0 {
			continue
		}
		slices.Sort(pos)
		if m := percentile(pos, 50); lo == 0 || m < lo {
			lo = m
		}
	}
	return lo
}

func stats(vals []float64, budget float64, hasBudget bool) seriesStats {
	st := seriesStats{N: len(vals), P50: "—", P95: "—", Max: "—", Mean: "—"}
	if len(vals) == 0 {
		return st
	}
	s := slices.Sorted(slices.Values(vals))
	sum := 0.0
	for _, v := range s {
		sum += v
		if hasBudget && v > budget {
			st.Over++
		}
	}
	st.P50, st.P95 = fmtMS(percentile(s, 50)), fmtMS(percentile(s, 95))
	st.Max, st.Mean = fmtMS(s[len(s)-1]), fmtMS(sum/float64(len(s)))
	return st
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// niceStep is a 1-2-5 step giving about n intervals over span.
func niceStep(span float64, n int) float64 {
	if !(span > 0) {
		return 1
	}
	raw := span / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

func axisLabel(ms, span float64) string {
	if span >= 2000 {
		return trimFloat(ms/1000) + " s"
	}
	return trimFloat(ms) + " ms"
}

// shorten cuts s to n runes, marking the cut.
func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func trimFloat(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}
