module realbugs/hystrix-go-errchan-never-closed

go 1.26
