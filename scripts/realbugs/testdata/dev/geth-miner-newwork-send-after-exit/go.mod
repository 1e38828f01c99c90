module realbugs/geth-miner-newwork-send-after-exit

go 1.26
