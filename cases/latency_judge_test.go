package cases

import (
	"context"
	"strings"
	"testing"
	"time"
)

// series is n copies of d, with the given overrides by index.
func series(n int, d time.Duration, at map[int]time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
		if v, ok := at[i]; ok {
			out[i] = v
		}
	}
	return out
}

func TestJudgeLatency(t *testing.T) {
	const budget = 100 * time.Millisecond
	ms := time.Millisecond
	quiet := series(20, 1*ms, nil) // the suite's own loopback, idle machine
	for _, tc := range []struct {
		name          string
		target, ctl   []time.Duration
		remeasured    bool
		want          latencyOutcome
		late, rawLate int
		why           string
	}{
		{name: "all within budget", target: series(20, 3*ms, nil), ctl: quiet, want: latencyPass},
		{name: "injected 40 ms delay", target: series(20, 41*ms, nil), ctl: quiet, want: latencyPass},
		{name: "one 216 ms hiccup in the target only", target: series(20, 3*ms, map[int]time.Duration{7: 216 * ms}), ctl: quiet,
			want: latencyRemeasure, late: 1, rawLate: 1},
		{name: "outliers in both series after a re-measure", target: series(40, 3*ms, map[int]time.Duration{7: 216 * ms, 31: 320 * ms}), ctl: series(40, ms, nil),
			remeasured: true, want: latencyPass, late: 2, rawLate: 2},
		{name: "a hiccup the suite's own stream had too", target: series(20, 3*ms, map[int]time.Duration{4: 230 * ms}),
			ctl: series(20, ms, map[int]time.Duration{4: 225 * ms}), want: latencyPass, late: 0, rawLate: 1},
		{name: "injected 180 ms delay", target: series(20, 181*ms, nil), ctl: quiet, want: latencyFail, late: 20, rawLate: 20, why: "20 of 20 events over 100ms, median 180.0 ms"},
		{name: "held until the next event (200 ms apart)", target: series(20, 200*ms, map[int]time.Duration{19: latencyMissing}), ctl: quiet,
			want: latencyFail, late: 20, rawLate: 20},
		{name: "batched every 2 s", target: []time.Duration{2000 * ms, 1800 * ms, 1600 * ms, 1400 * ms, 1200 * ms, 1000 * ms, 800 * ms, 600 * ms, 400 * ms, 200 * ms, 2 * ms,
			1800 * ms, 1600 * ms, 1400 * ms, 1200 * ms, 1000 * ms, 800 * ms, 600 * ms, 400 * ms, 200 * ms}, ctl: quiet, want: latencyFail, late: 19, rawLate: 19},
		{name: "a quarter held, median fine", target: series(20, 3*ms, map[int]time.Duration{0: 400 * ms, 4: 400 * ms, 8: 400 * ms, 12: 400 * ms, 16: 400 * ms}), ctl: quiet,
			want: latencyFail, late: 5, rawLate: 5},
		{name: "nothing arrives", target: series(20, latencyMissing, nil), ctl: quiet, want: latencyFail, late: 20, rawLate: 20, why: "median —"},
		{name: "control slow too: too loaded to judge", target: series(20, 150*ms, nil), ctl: series(20, 120*ms, nil), want: latencyUndecided, late: 0, rawLate: 20,
			why: "own loopback stream took median 120.0 ms"},
		{name: "control lost: cannot judge", target: series(20, 300*ms, nil), ctl: series(20, latencyMissing, nil), want: latencyUndecided, rawLate: 20, late: 20},
		{name: "no control at all still judges", target: series(20, 181*ms, nil), want: latencyFail, late: 20, rawLate: 20},
		{name: "a busy machine does not hide a 180 ms delay", target: series(20, 220*ms, nil), ctl: series(20, 40*ms, nil), want: latencyFail, late: 20, rawLate: 20},
		{name: "no samples", want: latencyUndecided},
		{name: "one outlier on a very slow machine: re-measure, not undecided", target: series(25, 0, map[int]time.Duration{12: 300 * ms}),
			ctl: series(25, 196*ms, map[int]time.Duration{12: 150 * ms}), want: latencyRemeasure, late: 1, rawLate: 1},
		{name: "one 400 ms stall delays four events in a row", target: series(20, 3*ms, map[int]time.Duration{6: 405 * ms, 7: 305 * ms, 8: 205 * ms, 9: 105 * ms}), ctl: quiet,
			want: latencyRemeasure, late: 4, rawLate: 4, why: "in one run of consecutive events"},
		{name: "one long stall: two of three broadcasts late", target: []time.Duration{5 * ms, 213 * ms, 150 * ms}, ctl: series(3, 17*ms, nil),
			want: latencyRemeasure, late: 2, rawLate: 2},
		{name: "the same after a re-measure fails", target: []time.Duration{5 * ms, 213 * ms, 150 * ms}, ctl: series(3, 17*ms, nil), remeasured: true,
			want: latencyFail, late: 2, rawLate: 2},
		{name: "two late tries, one explained: never a pass", target: []time.Duration{205 * ms, 201 * ms}, ctl: []time.Duration{118 * ms, 15 * ms},
			remeasured: true, want: latencyUndecided, late: 1, rawLate: 2},
		{name: "two late tries, none explained: fail", target: []time.Duration{205 * ms, 201 * ms}, ctl: []time.Duration{15 * ms, 3 * ms},
			remeasured: true, want: latencyFail, late: 2, rawLate: 2},
		{name: "late runs while the machine stalled past the budget: re-measure", target: series(20, 3*ms, map[int]time.Duration{2: 150 * ms, 9: 150 * ms, 16: 150 * ms}),
			ctl: series(20, ms, map[int]time.Duration{5: 126 * ms}), want: latencyRemeasure, late: 3, rawLate: 3},
		{name: "late runs while the machine stalled past the budget: then undecided", target: series(20, 3*ms, map[int]time.Duration{2: 150 * ms, 9: 150 * ms, 16: 150 * ms}),
			ctl: series(20, ms, map[int]time.Duration{5: 126 * ms}), remeasured: true, want: latencyUndecided, late: 3, rawLate: 3, why: "stalled up to 126.0 ms"},
		{name: "three separate late events in twenty", target: series(20, 3*ms, map[int]time.Duration{2: 150 * ms, 9: 150 * ms, 16: 150 * ms}), ctl: quiet,
			want: latencyFail, late: 3, rawLate: 3},
		{name: "a slow machine explains each late event of a 40 ms target", target: series(20, 44*ms, map[int]time.Duration{2: 300 * ms, 9: 900 * ms, 15: 250 * ms}),
			ctl: series(20, 100*ms, map[int]time.Duration{2: 280 * ms, 9: 890 * ms, 15: 240 * ms}), want: latencyPass, late: 0, rawLate: 3},
		{name: "a slow machine does not explain 1 s batches", target: series(20, 1000*ms, nil), ctl: series(20, 60*ms, map[int]time.Duration{3: 130 * ms}),
			want: latencyFail, late: 20, rawLate: 20},
		{name: "a slow machine could explain a 180 ms delay", target: series(20, 181*ms, nil), ctl: series(20, 60*ms, map[int]time.Duration{3: 130 * ms}),
			want: latencyUndecided, late: 19, rawLate: 20, why: "too loaded to judge"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := judgeLatency(tc.target, tc.ctl, ctlLoopback, budget, tc.remeasured)
			if j.Outcome != tc.want || j.Late != tc.late || j.RawLate != tc.rawLate {
				t.Errorf("outcome %v, late %d, raw late %d; want %v, %d, %d (%s)", j.Outcome, j.Late, j.RawLate, tc.want, tc.late, tc.rawLate, j.Why)
			}
			if !strings.Contains(j.Why, tc.why) {
				t.Errorf("why %q; want it to contain %q", j.Why, tc.why)
			}
		})
	}
}

func TestCtlDuring(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	samples := []ctlSample{
		{sent: at(0), arrive: at(1)},
		{sent: at(20), arrive: at(170)}, // a 150 ms stall
		{sent: at(40), arrive: at(171)},
		{sent: at(60), arrive: at(172)},
		{sent: at(200), arrive: at(201)},
		{sent: at(220)}, // never arrived
	}
	for _, tc := range []struct {
		name       string
		start, end int
		want       time.Duration
	}{
		{"in flight during the stall", 30, 180, 150 * time.Millisecond},
		{"before the stall", 0, 1, time.Millisecond},
		{"between events: the nearest", 190, 190, time.Millisecond},
		{"while one was lost", 215, 230, latencyMissing},
	} {
		if got := ctlDuring(samples, at(tc.start), at(tc.end)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRemeasureWhileLoaded: a series too loaded to judge is measured
// afresh, up to the attempts; a decided series ends it; a cancelled
// context ends the pause.
func TestRemeasureWhileLoaded(t *testing.T) {
	u, p, f := latencyUndecided, latencyPass, latencyFail
	for _, tc := range []struct {
		name     string
		outcomes []latencyOutcome
		cancel   bool
		want     latencyOutcome
		series   int
	}{
		{"decided at once", []latencyOutcome{p}, false, p, 1},
		{"a fail is not re-measured", []latencyOutcome{f, p}, false, f, 1},
		{"a load spike passes", []latencyOutcome{u, p}, false, p, 2},
		{"a slow target after the spike still fails", []latencyOutcome{u, u, f}, false, f, 3},
		{"loaded throughout: undecided after three", []latencyOutcome{u, u, u, p}, false, u, 3},
		{"cancelled: the last judgement", []latencyOutcome{u, p}, true, u, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			calls := 0
			j, n := remeasureWhileLoaded(ctx, 3, time.Millisecond, func() latencyJudgement {
				o := tc.outcomes[calls]
				calls++
				if tc.cancel {
					cancel()
				}
				return latencyJudgement{Outcome: o}
			})
			if j.Outcome != tc.want || n != tc.series || calls != tc.series {
				t.Errorf("got %v after %d series (%d measured), want %v after %d", j.Outcome, n, calls, tc.want, tc.series)
			}
		})
	}
}

// TestContended: only a marginal fail on a contended machine is too
// loaded to judge.
func TestContended(t *testing.T) {
	const budget = 100 * time.Millisecond
	marginal := latencyJudgement{Outcome: latencyFail, Median: 90 * time.Millisecond, Why: "2 of 6"}
	systematic := latencyJudgement{Outcome: latencyFail, Median: 180 * time.Millisecond}
	for _, tc := range []struct {
		name  string
		j     latencyJudgement
		share float64
		ok    bool
		want  latencyOutcome
	}{
		{"marginal, contended", marginal, 0.6, true, latencyUndecided},
		{"marginal, calm", marginal, 0.2, true, latencyFail},
		{"marginal, the kernel does not say", marginal, 0.9, false, latencyFail},
		{"systematic, contended", systematic, 0.9, true, latencyFail},
		{"a pass stays", latencyJudgement{Outcome: latencyPass}, 0.9, true, latencyPass},
	} {
		got := contended(tc.j, budget, tc.share, tc.ok)
		if got.Outcome != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got.Outcome, tc.want)
		}
		if got.Outcome == latencyUndecided && !strings.Contains(got.Why, "60%") {
			t.Errorf("%s: %q does not give the share", tc.name, got.Why)
		}
	}
}
