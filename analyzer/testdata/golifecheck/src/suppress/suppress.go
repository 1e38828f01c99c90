// Package suppress exercises the suppression comments that golifecheck's
// shared analyzer reports: those that name no known check or give no
// reason. (Each check reports its own comments that silence nothing.)
package suppress

import (
	"context"
	"time"
)

func silencedAbove(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel the context lives as long as the process
	ctx, _ := context.WithTimeout(parent, time.Hour)
	return ctx
}

func noReason(parent context.Context) context.Context {
	//golifecheck:ignore ctxcancel // want `golifecheck:ignore ctxcancel needs a reason`
	ctx, _ := context.WithCancel(parent)
	return ctx
}

//golifecheck:ignore chanblok typo // want `golifecheck:ignore names unknown check chanblok`
func unknownCheck() {}

//golifecheck:ignore // want `golifecheck:ignore needs a check and a reason`
func noCheck() {}

//nolint:golifecheck // golangci-lint's nolintlint judges these
func nolint() {}
