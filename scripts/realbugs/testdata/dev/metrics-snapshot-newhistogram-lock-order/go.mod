module realbugs/metrics-snapshot-newhistogram-lock-order

go 1.26
