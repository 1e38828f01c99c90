module github.com/golifecheck/golifecheck/runtime/internal/errgroupbench

go 1.26.0

require (
	github.com/golifecheck/golifecheck v0.0.0
	golang.org/x/sync v0.23.0
)

replace github.com/golifecheck/golifecheck => ../../..
