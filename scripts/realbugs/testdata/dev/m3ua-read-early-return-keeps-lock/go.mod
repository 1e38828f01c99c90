module realbugs/m3ua-read-early-return-keeps-lock

go 1.26
