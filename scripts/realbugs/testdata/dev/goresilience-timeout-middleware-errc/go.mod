module realbugs/goresilience-timeout-middleware-errc

go 1.26
