module realbugs/backoff-controller-next-send-after-cancel

go 1.26
