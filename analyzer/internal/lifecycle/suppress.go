package lifecycle

import (
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// A suppression is a comment that silences findings on its line or the
// next one:
//
//	//golifecheck:ignore CHECK REASON
//	//nolint:golifecheck
//
// The first names one check and must give a reason; one without a reason,
// naming an unknown check, or silencing nothing is itself reported. The
// second is golangci-lint's; golifecheck honours it when run on its own and
// leaves unused ones to golangci-lint's nolintlint.
type suppression struct {
	pos    token.Pos
	file   string
	line   int
	check  string // "" for a nolint comment: every check
	reason string
	used   bool
}

// suppressions holds a package's suppression comments.
type suppressions []*suppression

func parseSuppressions(pass *analysis.Pass) suppressions {
	var sups suppressions
	for _, f := range pass.Files {
		for _, group := range f.Comments {
			for _, c := range group.List {
				text := strings.TrimPrefix(c.Text, "//")
				p := pass.Fset.Position(c.Pos())
				sup := &suppression{pos: c.Pos(), file: p.Filename, line: p.Line}
				switch {
				case strings.HasPrefix(text, "golifecheck:ignore"):
					args, _, _ := strings.Cut(strings.TrimPrefix(text, "golifecheck:ignore"), "//")
					fields := strings.Fields(args)
					if len(fields) > 0 {
						sup.check = fields[0]
						sup.reason = strings.Join(fields[1:], " ")
					}
				case isNolint(text):
					sup.reason = "nolint"
				default:
					continue
				}
				sups = append(sups, sup)
			}
		}
	}
	return sups
}

// isNolint reports whether a comment's text is a golangci-lint nolint
// directive that covers golifecheck: "nolint", "nolint:golifecheck,errcheck
// // why".
func isNolint(text string) bool {
	directive, _, _ := strings.Cut(strings.TrimSpace(text), " ")
	if directive == "nolint" || directive == "nolint:all" {
		return true
	}
	linters, ok := strings.CutPrefix(directive, "nolint:")
	return ok && slices.Contains(strings.Split(linters, ","), "golifecheck")
}

// silences reports whether a suppression covers a finding of check at
// position p, and marks it used.
func (sups suppressions) silences(check string, p token.Position) bool {
	for _, sup := range sups {
		if sup.file == p.Filename && (sup.line == p.Line || sup.line == p.Line-1) &&
			(sup.check == "" || sup.check == check) {
			sup.used = true
			return true
		}
	}
	return false
}

// clone returns a copy of sups with none used, for one check's State.
func (sups suppressions) clone() suppressions {
	c := make(suppressions, len(sups))
	for i, sup := range sups {
		dup := *sup
		c[i] = &dup
	}
	return c
}

// reportMalformed reports golifecheck:ignore comments without a check or a
// reason, or naming an unknown check.
func (sups suppressions) reportMalformed(pass *analysis.Pass) {
	for _, sup := range sups {
		if sup.reason == "nolint" {
			continue
		}
		var msg string
		switch {
		case sup.check == "":
			msg = "golifecheck:ignore needs a check and a reason: //golifecheck:ignore CHECK REASON"
		case !slices.Contains(CheckNames, sup.check):
			msg = "golifecheck:ignore names unknown check " + sup.check + " (checks: " + strings.Join(CheckNames, ", ") + ")"
		case sup.reason == "":
			msg = "golifecheck:ignore " + sup.check + " needs a reason: say why the finding is not a leak"
		default:
			continue
		}
		pass.Report(named(analysis.Diagnostic{Pos: sup.pos, Category: "suppression", Message: msg}))
	}
}

// reportUnused reports the well-formed golifecheck:ignore comments naming
// check that silenced nothing, once check has run.
func (sups suppressions) reportUnused(pass *analysis.Pass, check string) {
	for _, sup := range sups {
		if sup.check == check && sup.reason != "" && !sup.used {
			msg := "golifecheck:ignore " + sup.check + " silences nothing here; remove it"
			pass.Report(named(analysis.Diagnostic{Pos: sup.pos, Category: "suppression", Message: msg}))
		}
	}
}
