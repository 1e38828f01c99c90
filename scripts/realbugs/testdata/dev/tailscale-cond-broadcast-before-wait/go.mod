module realbugs/tailscale-cond-broadcast-before-wait

go 1.26
