// Package helperuse has findings that rest on package helper's facts.
package helperuse

import (
	"context"
	"helper"
	"time"
)

func dropsCancel(parent context.Context) context.Context {
	ctx, _ := helper.WithDeadline(parent)
	return ctx
}

func pollsForever() {
	go helper.Poll(time.Second, func() {})
}
