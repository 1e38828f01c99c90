package main

import (
	"runtime/debug"
	"testing"
)

// TestBuildVersion: the build info's version, with the VCS revision when
// the version does not name it.
func TestBuildVersion(t *testing.T) {
	const rev = "90c2e7b1684884939a32fea848a0152cdfe4c118"
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/golifecheck/golifecheck", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	for _, c := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{nil, "(devel)"},
		{info(""), "(devel)"},
		{info("(devel)"), "(devel)"},
		{info("(devel)", "vcs", "git", "vcs.revision", rev, "vcs.modified", "false"), "(devel) 90c2e7b16848"},
		{info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "(devel) 90c2e7b16848+dirty"},
		{info("v0.1.0"), "v0.1.0"},
		{info("v0.0.0-20261130234547-90c2e7b16848+dirty", "vcs.revision", rev, "vcs.modified", "true"), "v0.0.0-20261130234547-90c2e7b16848+dirty"},
		{info("v0.3.0", "vcs.revision", rev, "vcs.modified", "false"), "v0.3.0 90c2e7b16848"},
	} {
		if got := buildVersion(c.info); got != c.want {
			t.Errorf("buildVersion(%v) = %q, want %q", c.info, got, c.want)
		}
	}
}
