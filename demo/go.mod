module example.com/golifecheck-demo

go 1.25.0
