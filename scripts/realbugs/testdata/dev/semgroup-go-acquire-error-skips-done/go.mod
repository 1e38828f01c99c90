module realbugs/semgroup-go-acquire-error-skips-done

go 1.26
