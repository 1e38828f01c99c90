package main_test

import (
	"strings"
	"testing"
)

// TestHelpTopics: help suppression and help internal print their topic,
// exit 0.
func TestHelpTopics(t *testing.T) {
	t.Parallel()
	bin := build(t)
	for topic, want := range map[string]string{
		"suppression": "//golifecheck:ignore CHECK REASON",
		"internal":    "internal error in golifecheck: MESSAGE",
	} {
		code, stdout, stderr := run(t, t.TempDir(), bin, "help", topic)
		if code != 0 || !strings.HasPrefix(stdout, "# "+topic+"\n") || !strings.Contains(stdout, want) {
			t.Errorf("help %s: want the topic (%q in it) and exit 0, got %d\n%s%s", topic, want, code, stdout, stderr)
		}
	}
	code, _, stderr := run(t, t.TempDir(), bin, "help", "nosuchtopic")
	if code != 2 || !strings.Contains(stderr, "topics: suppression, internal") {
		t.Errorf("help nosuchtopic: want the topics listed and exit 2, got %d\n%s", code, stderr)
	}
}

// TestShortUsage: -h prints a screenful, not the documentation of every
// check, and ends with the flags.
func TestShortUsage(t *testing.T) {
	t.Parallel()
	bin := build(t)
	for _, arg := range []string{"-h", "-help", "--help"} {
		code, _, stderr := run(t, t.TempDir(), bin, arg)
		if code != 0 {
			t.Errorf("%s: want exit 0, got %d\n%s", arg, code, stderr)
		}
		before, flags, ok := strings.Cut(stderr, "\nFlags:\n")
		if !ok {
			t.Fatalf("%s: no Flags: section:\n%s", arg, stderr)
		}
		if n := strings.Count(before, "\n"); n > 25 {
			t.Errorf("%s: want at most 25 lines before the flags, got %d:\n%s", arg, n, before)
		}
		if !strings.Contains(before, "golifecheck version") || !strings.Contains(before, "golifecheck help CHECK|TOPIC") {
			t.Errorf("%s: want the subcommands named, got:\n%s", arg, before)
		}
		// Every line after "Flags:" is a flag ("  -name ...") or its
		// description ("    \t...").
		for _, l := range strings.Split(strings.TrimSuffix(flags, "\n"), "\n") {
			if !strings.HasPrefix(l, "  -") && !strings.HasPrefix(l, "    \t") {
				t.Errorf("%s: want only flags after Flags:, got %q in\n%s", arg, l, flags)
				break
			}
		}
		for _, f := range []string{"  -V\t", "  -json\n", "  -ctxcancel\n"} {
			if !strings.Contains(flags, f) {
				t.Errorf("%s: want flag %q listed, got:\n%s", arg, f, flags)
			}
		}
	}
}
