module example.com/poolfeed

go 1.26.0

require github.com/golifecheck/golifecheck v0.0.0

replace github.com/golifecheck/golifecheck => ../../../..
