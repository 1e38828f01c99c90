module realbugs/eventsocket-readloop-err-unbuffered

go 1.26
