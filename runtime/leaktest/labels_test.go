package leaktest

import (
	"context"
	"runtime/pprof"
	"strings"
	"testing"
)

func parked(started chan<- struct{}, release <-chan struct{}) {
	close(started)
	<-release
}

// TestProfileMatchesDump checks that a labelled goroutine's record in the
// goroutine profile carries its labels, and the key of its record in the
// goroutine dump, by which the reports show its id and state.
func TestProfileMatchesDump(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	started := make(chan struct{})
	labels := pprof.Labels(labelKey, "t41 t42", "other", "a \"quoted\", {value}")
	pprof.Do(context.Background(), labels, func(context.Context) {
		go parked(started, release)
	})
	<-started

	var rec *record
	for _, r := range profileRecords("goroutine") {
		if r.labels["other"] == "a \"quoted\", {value}" {
			rec = &r
		}
	}
	if rec == nil {
		t.Fatal("no profile record with the goroutine's labels")
	}
	if !rec.owns("t42") || !rec.owns("t41") || rec.owns("t4") || rec.count != 1 {
		t.Errorf("record: owns t41 %v, t42 %v, t4 %v, count %d; want true, true, false, 1",
			rec.owns("t41"), rec.owns("t42"), rec.owns("t4"), rec.count)
	}
	if !rec.has("github.com/golifecheck/golifecheck/runtime/leaktest.parked") {
		t.Errorf("record lacks the goroutine's function: %q", rec.funcs)
	}
	var stack string
	for _, g := range dump() {
		if strings.Contains(g.stack, "leaktest.parked(") {
			stack = g.stack
		}
	}
	if stack == "" || rec.key == "" || stackKey(stack) != rec.key {
		t.Errorf("keys differ:\nprofile %q\ndump    %q\n%s\n%s", rec.key, stackKey(stack), rec.text, stack)
	}
}

func TestParseProfilePadding(t *testing.T) {
	text := "goroutine profile: total 3\n" +
		"2 @ 0x47d92e 0x4158ee 0x4dc325 0x483e41\n" +
		"# labels: {\"leaktest\":\"7\"}\n" +
		"#\t0x4158ed\truntime.chanrecv1+0x1d\t\t\t/go/src/runtime/chan.go:509\n" +
		"#\t0x4dc324\tmain.leak+0x24\t\t\t\t/tmp/main.go:11\n" +
		"\n" +
		"1 @ 0x47d92e 0x483e41\n" +
		"#\t0x4dc0\tmain.main+0x1b3\t/tmp/main.go:24\n"
	recs := parseProfile(text)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2: %+v", len(recs), recs)
	}
	r := recs[0]
	if r.count != 2 || r.labels[labelKey] != "7" || r.key != "/tmp/main.go:11" || !r.has("main.leak") {
		t.Errorf("first record: %+v", r)
	}
	if recs[1].count != 1 || recs[1].labels != nil || recs[1].key != "/tmp/main.go:24" {
		t.Errorf("second record: %+v", recs[1])
	}
}

func TestMarkLeaked(t *testing.T) {
	for in, want := range map[string]string{
		"goroutine 7 [chan receive]:\nmain.leak()":          "goroutine 7 [chan receive (leaked)]:\nmain.leak()",
		"goroutine 7 [select, 3 minutes]:\nmain.leak()":     "goroutine 7 [select (leaked), 3 minutes]:\nmain.leak()",
		"goroutine 7 [chan receive (leaked)]:\nmain.leak()": "goroutine 7 [chan receive (leaked)]:\nmain.leak()",
		"goroutine 7 [select (no cases)]:\nmain.leak()":     "goroutine 7 [select (no cases) (leaked)]:\nmain.leak()",
	} {
		if got := markLeaked(in); got != want {
			t.Errorf("markLeaked(%q) = %q, want %q", in, got, want)
		}
	}
}
