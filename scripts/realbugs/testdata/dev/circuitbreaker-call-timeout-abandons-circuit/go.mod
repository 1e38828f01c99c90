module realbugs/circuitbreaker-call-timeout-abandons-circuit

go 1.26
